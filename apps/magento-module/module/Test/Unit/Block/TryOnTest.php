<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Unit\Block;

use Magento\Catalog\Helper\Data as CatalogHelper;
use Magento\Catalog\Model\Product;
use Magento\Framework\View\Element\Template\Context;
use PHPUnit\Framework\TestCase;
use Varai\TryOn\Block\TryOn;
use Varai\TryOn\Model\Config;
use Varai\TryOn\Test\Support\ArrayScopeConfig;
use Varai\TryOn\Test\Support\PrefixEncryptor;
use Varai\TryOn\Test\Support\Stores;

class TryOnTest extends TestCase
{
    private function block(array $config, ?Product $product): TryOn
    {
        $scope = new ArrayScopeConfig($config + [
            Config::XML_ENABLED => '1',
            Config::XML_PRODUCT_PAGE => '1',
            Config::XML_API_URL => 'https://api.varai.ai/',
            Config::XML_PUBLISHABLE_KEY => 'pk_live_"1"',
            'general/locale/code' => 'fr_FR',
        ]);
        return new TryOn(
            new Context($scope, new Stores()),
            new Config($scope, new PrefixEncryptor()),
            new CatalogHelper($product)
        );
    }

    public function testRendersTheElementForTheProductAndExternalScriptsOnly(): void
    {
        $html = $this->block([], new Product(['sku' => 'VR-3/B"<x>']))->toHtml();

        $doc = new \DOMDocument();
        $doc->loadHTML('<!doctype html><html><body>' . $html . '</body></html>', LIBXML_NOERROR);
        $xpath = new \DOMXPath($doc);
        $element = $xpath->query('//div[@class="varai-tryon"]/varai-try-on')->item(0);
        $this->assertNotNull($element);
        $this->assertSame('VR-3/B"<x>', $element->getAttribute('sku'), 'escaped in HTML, intact in the DOM');
        $this->assertSame('fr-FR', $element->getAttribute('lang'));

        $scripts = $xpath->query('//script');
        $this->assertSame(2, $scripts->length);
        foreach ($scripts as $script) {
            $this->assertNotSame('', $script->getAttribute('src'), 'no inline script (2.4.7 CSP)');
            $this->assertSame('', trim($script->textContent));
        }
        $this->assertStringEndsWith('/Varai_TryOn/js/varai-session.js', $scripts->item(0)->getAttribute('src'));
        $this->assertSame('https://api.varai.ai/widget/varai.js', $scripts->item(1)->getAttribute('src'));
        $this->assertSame('pk_live_"1"', $scripts->item(1)->getAttribute('data-key'));
        $this->assertStringNotContainsString('require(', $html, 'no RequireJS: Hyvä has none');
    }

    public function testRendersNothingWhenOffUnkeyedOrWithoutAProduct(): void
    {
        $this->assertSame('', $this->block([Config::XML_ENABLED => '0'], new Product(['sku' => 'A']))->toHtml());
        $this->assertSame('', $this->block([Config::XML_PRODUCT_PAGE => '0'], new Product(['sku' => 'A']))->toHtml());
        $this->assertSame('', $this->block([Config::XML_PUBLISHABLE_KEY => ''], new Product(['sku' => 'A']))->toHtml());
        $this->assertSame('', $this->block([], null)->toHtml());
    }
}
