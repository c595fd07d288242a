<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Unit\Controller;

use Magento\Backend\App\Action\Context;
use Magento\Backend\Block\Template\Context as BlockContext;
use Magento\Framework\Controller\Result\JsonFactory;
use Magento\Framework\Data\Form\Element\AbstractElement;
use PHPUnit\Framework\TestCase;
use Varai\TryOn\Block\Adminhtml\Outbox\Status;
use Varai\TryOn\Block\Adminhtml\System\Config\TestConnection;
use Varai\TryOn\Controller\Adminhtml\Connection\Test;
use Varai\TryOn\Model\Config;
use Varai\TryOn\Model\Http\Response;
use Varai\TryOn\Test\Support\Module;
use Varai\TryOn\Test\Support\RecordingTransport;
use Varai\TryOn\Test\Support\Request;

class AdminTest extends TestCase
{
    public function testTheTestButtonsControllerAnswersJsonForTheEditedStoreView(): void
    {
        $transport = new RecordingTransport([new Response(401, 'Signature mismatch'), new Response(200, 'ok')]);
        $m = new Module($transport, [
            Config::XML_ENABLED => '1',
            Config::XML_API_URL => 'https://varai.test',
            Config::XML_CONNECTION_ID => 'con_default',
            Config::XML_SHARED_SECRET => 's',
        ], [2 => [Config::XML_CONNECTION_ID => 'con_fr']], [1 => 'default', 2 => 'fr']);
        $test = fn (array $params): array => (new Test(new Context(new Request($params)), new JsonFactory(), $m->tester, $m->stores))->execute()->data;

        $answer = $test(['store' => '2']);
        $this->assertFalse($answer['ok']);
        $this->assertSame(401, $answer['status']);
        $this->assertStringContainsString('shared secret', $answer['message']);
        $this->assertStringEndsWith('/webhooks/magento/con_fr', $transport->requests[0]['url']);
        $this->assertSame('fr', json_decode($transport->requests[0]['body'], true)['store_code']);

        $this->assertTrue($test([])['ok'], 'the default scope tests the default store view');
        $this->assertStringEndsWith('/webhooks/magento/con_default', $transport->requests[1]['url']);
    }

    public function testTheButtonCarriesThePostUrlAndTheEditedScope(): void
    {
        $m = Module::configured(new RecordingTransport());
        $block = new TestConnection(new BlockContext($m->scopeConfig, $m->stores, new Request(['store' => '3', 'website' => '1'])));
        $html = $block->render(new AbstractElement());
        $doc = new \DOMDocument();
        $doc->loadHTML('<!doctype html><html><body>' . $html . '</body></html>', LIBXML_NOERROR);
        $init = (new \DOMXPath($doc))->query('//div[@data-mage-init]/@data-mage-init')->item(0)->nodeValue;
        $this->assertSame(
            ['Varai_TryOn/js/test-connection' => ['url' => 'https://admin.example/admin/varai_tryon/connection/test/', 'store' => 3, 'website' => 1]],
            json_decode($init, true)
        );
        $this->assertStringContainsString('varai-test-connection-button', $html);
    }

    public function testTheOutboxViewListsCountsAndDeadEventsEscaped(): void
    {
        $m = Module::configured(new RecordingTransport([new Response(422, '<b>bad</b> "event"')]));
        $m->scopeConfig->defaults['varai_tryon/outbox/max_attempts'] = '1';
        $m->productEvents->record('product.updated', [['id' => 1, 'sku' => 'A', 'updated_at' => null, 'scope_store_id' => 0, 'store_ids' => []]]);
        $m->drainer->drain();
        $html = (new Status(new BlockContext($m->scopeConfig, $m->stores), $m->outbox))->toHtml();

        $doc = new \DOMDocument();
        $doc->loadHTML('<!doctype html><html><body>' . $html . '</body></html>', LIBXML_NOERROR);
        $x = new \DOMXPath($doc);
        $this->assertSame('1', trim($x->query('//tr[@data-status="dead"]/td')->item(0)->textContent));
        $this->assertSame('0', trim($x->query('//tr[@data-status="pending"]/td')->item(0)->textContent));
        $this->assertSame('HTTP 422: bad "event"', $x->query('//table[contains(@class,"varai-outbox-dead")]//td[5]')->item(0)->textContent);
        $this->assertSame('stub-form-key', $x->query('//input[@name="form_key"]/@value')->item(0)->nodeValue);
        $this->assertStringNotContainsString('<b>', $html);
    }
}
