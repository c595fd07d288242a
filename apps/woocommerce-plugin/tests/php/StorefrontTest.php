<?php

namespace VARAi\TryOn\Tests;

use VARAi\TryOn\Options;
use VARAi\TryOn\Storefront;

final class StorefrontTest extends TestCase
{
    public function testWithoutAKeyNothingRendersAndNothingLoads(): void
    {
        $this->assertSame('', (new Storefront())->shortcode([]));
        $this->assertSame([], \WpStub::$enqueued);
    }

    public function testRegisteringAssetsEnqueuesNothing(): void
    {
        Options::updateSettings(['publishable_key' => 'pk_live_abcdefgh', 'api_base' => 'https://api.varai.test']);
        $front = new Storefront();
        $front->register();
        do_action('init');
        $this->assertSame('https://api.varai.test/widget/varai.js', \WpStub::$registeredScripts['varai-try-on-loader']['src']);
        $this->assertSame('async', \WpStub::$registeredScripts['varai-try-on-loader']['args']['strategy']);
        $this->assertSame([], \WpStub::$enqueued, 'a page that renders no button gets no script');
        $this->assertStringEndsWith('/blocks/try-on', \WpStub::$blocks[0]);
        $this->assertArrayHasKey('varai_try_on', \WpStub::$shortcodes);
        $this->assertArrayNotHasKey('woocommerce_single_product_summary', \WpStub::$actions, 'automatic button is off by default');
    }

    public function testTheShortcodeRendersThePageProductAndEnqueuesTheLoader(): void
    {
        Options::updateSettings(['publishable_key' => 'pk_live_abcdefgh']);
        $GLOBALS['product'] = new \WC_Product(42, 'RB-3025');
        $html = (new Storefront())->shortcode('');
        $this->assertSame(
            '<div class="varai-try-on-button"><varai-try-on sku="RB-3025" data-wc-product-id="42" data-product-id="42"></varai-try-on></div>',
            $html
        );
        $this->assertSame(['varai-try-on-loader' => true, 'varai-try-on-session' => true], \WpStub::$enqueued);
    }

    public function testAttributesNameAnotherProductAndAreEscaped(): void
    {
        Options::updateSettings(['publishable_key' => 'pk_live_abcdefgh']);
        \WcStub::$products[7] = new \WC_Product(7, 'A1');
        $html = (new Storefront())->shortcode(['product_id' => '7', 'sku' => '"><script>x</script>']);
        $this->assertStringContainsString('sku="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"', $html);
        $this->assertStringContainsString('data-wc-product-id="7"', $html);
        $this->assertStringNotContainsString('<script>', $html);
    }

    public function testTheLoaderTagCarriesTheKey(): void
    {
        Options::updateSettings(['publishable_key' => 'pk_live_abcdefgh']);
        $front = new Storefront();
        $tag = "<script src='https://api.varai.test/widget/varai.js' id='varai-try-on-loader-js' async></script>";
        $this->assertSame(
            "<script data-key=\"pk_live_abcdefgh\" src='https://api.varai.test/widget/varai.js' id='varai-try-on-loader-js' async></script>",
            $front->loaderTag($tag, 'varai-try-on-loader')
        );
        $this->assertSame($tag, $front->loaderTag($tag, 'jquery'));
    }

    public function testTheAutomaticButtonHooksIntoSingleProductPagesWhenOn(): void
    {
        Options::updateSettings(['publishable_key' => 'pk_live_abcdefgh', 'auto_button' => true]);
        (new Storefront())->register();
        $this->assertSame(35, \WpStub::$actions['woocommerce_single_product_summary'][0]['priority']);
        $GLOBALS['product'] = new \WC_Product(9, '');
        ob_start();
        do_action('woocommerce_single_product_summary');
        $html = (string) ob_get_clean();
        $this->assertStringContainsString('<varai-try-on data-wc-product-id="9" data-product-id="9">', $html);
    }

    public function testTheBlockRendersOnTheServerWithItsWrapper(): void
    {
        Options::updateSettings(['publishable_key' => 'pk_live_abcdefgh']);
        $attributes = ['sku' => 'B2', 'productId' => ''];
        ob_start();
        include dirname(__DIR__, 2) . '/varai-try-on/blocks/try-on/render.php';
        $html = (string) ob_get_clean();
        $this->assertSame(
            '<div class="wp-block-varai-try-on varai-try-on-button"><varai-try-on sku="B2" data-product-id="0"></varai-try-on></div>',
            $html
        );
        $this->assertArrayHasKey('varai-try-on-loader', \WpStub::$enqueued);
        $block = json_decode((string) file_get_contents(dirname(__DIR__, 2) . '/varai-try-on/blocks/try-on/block.json'), true);
        $this->assertSame(3, $block['apiVersion']);
        $this->assertSame('file:./render.php', $block['render']);
    }
}
