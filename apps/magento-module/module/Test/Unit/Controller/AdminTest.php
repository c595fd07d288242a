<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Unit\Controller;

use Magento\Backend\App\Action\Context;
use Magento\Backend\Block\Template\Context as BlockContext;
use Magento\Framework\Controller\Result\JsonFactory;
use Magento\Framework\DataObject;
use PHPUnit\Framework\TestCase;
use Varai\TryOn\Block\Adminhtml\Outbox\Status;
use Varai\TryOn\Controller\Adminhtml\Connection\Test;
use Varai\TryOn\Model\Http\Response;
use Varai\TryOn\Test\Support\Module;
use Varai\TryOn\Test\Support\RecordingTransport;

class AdminTest extends TestCase
{
    public function testTheTestButtonsControllerAnswersJsonForTheEditedStoreView(): void
    {
        $transport = new RecordingTransport([new Response(401, 'Signature mismatch')]);
        $m = Module::configured($transport);
        $controller = new Test(new Context(new DataObject(['store' => '1'])), new JsonFactory(), $m->tester, $m->stores);
        $answer = $controller->execute()->data;
        $this->assertFalse($answer['ok']);
        $this->assertSame(401, $answer['status']);
        $this->assertStringContainsString('shared secret', $answer['message']);
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
