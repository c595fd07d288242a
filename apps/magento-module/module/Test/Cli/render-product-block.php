<?php

/**
 * Renders the product page block (Block\TryOn + tryon.phtml) under php-cli for the browser
 * test: stdin {"apiUrl", "publishableKey", "sku", "locale", "staticBaseUrl"}, stdout the HTML.
 */

declare(strict_types=1);

require __DIR__ . '/../Unit/_bootstrap.php';

use Magento\Catalog\Helper\Data as CatalogHelper;
use Magento\Catalog\Model\Product;
use Magento\Framework\View\Element\Template;
use Magento\Framework\View\Element\Template\Context;
use Varai\TryOn\Block\TryOn;
use Varai\TryOn\Model\Config;
use Varai\TryOn\Test\Support\ArrayScopeConfig;
use Varai\TryOn\Test\Support\PrefixEncryptor;
use Varai\TryOn\Test\Support\Stores;

$input = json_decode((string) stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
Template::$staticBaseUrl = $input['staticBaseUrl'];
$scope = new ArrayScopeConfig([
    Config::XML_ENABLED => '1',
    Config::XML_PRODUCT_PAGE => '1',
    Config::XML_API_URL => $input['apiUrl'],
    Config::XML_PUBLISHABLE_KEY => $input['publishableKey'],
    'general/locale/code' => $input['locale'] ?? 'en_US',
]);
$block = new TryOn(
    new Context($scope, new Stores()),
    new Config($scope, new PrefixEncryptor()),
    new CatalogHelper(new Product(['sku' => $input['sku']]))
);
echo $block->toHtml();
