<?php

namespace VARAi\TryOn\Tests;

use VARAi\TryOn\Options;
use VARAi\TryOn\SettingsPage;

final class SettingsTest extends TestCase
{
    public function testSanitizeKeepsValidValuesAndDropsUnknownFields(): void
    {
        $out = Options::sanitize([
            'api_base' => 'https://api.varai.test/',
            'publishable_key' => ' pk_live_abcdefgh ',
            'auto_button' => '1',
            'evil' => '<script>',
        ]);
        $this->assertSame(['api_base' => 'https://api.varai.test', 'publishable_key' => 'pk_live_abcdefgh', 'auto_button' => true], $out);
        $this->assertSame([], \WpStub::$settingsErrors);
    }

    public function testAnInvalidKeyKeepsThePreviousOneAndReportsIt(): void
    {
        Options::updateSettings(['publishable_key' => 'pk_live_previous1']);
        $out = Options::sanitize(['publishable_key' => 'sk_live_<b>secret</b>']);
        $this->assertSame('pk_live_previous1', $out['publishable_key']);
        $this->assertSame('varai_publishable_key', \WpStub::$settingsErrors[0]['code']);
        $this->assertFalse($out['auto_button'], 'an unchecked box is off');
    }

    public function testTheApiBaseMustBeHttpsExceptOnLoopback(): void
    {
        $this->assertSame(Options::DEFAULT_API_BASE, Options::sanitize(['api_base' => 'http://evil.example'])['api_base']);
        $this->assertSame('varai_api_base', \WpStub::$settingsErrors[0]['code']);
        $this->assertSame('http://127.0.0.1:9000', Options::sanitize(['api_base' => 'http://127.0.0.1:9000'])['api_base']);
        $this->assertSame(Options::DEFAULT_API_BASE, Options::sanitize(['api_base' => 'javascript:alert(1)'])['api_base']);
    }

    public function testSanitizeToleratesGarbage(): void
    {
        $this->assertSame(Options::settings(), Options::sanitize('not an array'));
        \WpStub::$options[Options::SETTINGS] = 'corrupt';
        $this->assertSame('', Options::settings()['publishable_key']);
    }

    public function testLinkCodeKeepsOnlyItsAlphabet(): void
    {
        $this->assertSame('vlc_Ab12-cD_34', Options::sanitizeLinkCode(" vlc_Ab12-cD_34'"));
        $this->assertSame('vlc_abscript', Options::sanitizeLinkCode('vlc_ab<script>'));
        $this->assertSame('', Options::sanitizeLinkCode(['array']));
        $this->assertSame(100, strlen(Options::sanitizeLinkCode(str_repeat('a', 300))));
    }

    public function testTheSettingsPageNeedsManageWoocommerceAndSavesWithIt(): void
    {
        $page = new SettingsPage();
        $page->register();
        do_action('admin_menu');
        do_action('admin_init');
        $this->assertSame('manage_woocommerce', \WpStub::$menus[0]['cap']);
        $this->assertSame('woocommerce', \WpStub::$menus[0]['parent']);
        $this->assertSame([Options::class, 'sanitize'], \WpStub::$registeredSettings[Options::SETTINGS]['sanitize_callback']);
        $this->assertSame('manage_woocommerce', apply_filters('option_page_capability_varai_try_on', 'manage_options'));

        \WpStub::$caps = [];
        $this->expectException(\WpDie::class);
        $page->render();
    }

    public function testTheSettingsPageEscapesWhatItPrints(): void
    {
        \WpStub::$options[Options::SETTINGS] = ['api_base' => 'https://x.test/"><script>', 'publishable_key' => '"><img src=x>'];
        $_GET['varai_error'] = '"><script>alert(1)</script>';
        ob_start();
        (new SettingsPage())->render();
        $html = (string) ob_get_clean();
        $this->assertStringNotContainsString('<script>', $html);
        $this->assertStringNotContainsString('<img', $html);
        $this->assertStringContainsString('name="_wpnonce" value="nonce-varai_connect"', $html);
        $this->assertStringContainsString('name="_wpnonce" value="nonce-varai_try_on-options"', $html);
        $this->assertStringContainsString('Connect to VARAi', $html);
    }
}
