<?php

/**
 * Renders the config page's Test Connection button (Block\Adminhtml\System\Config\TestConnection)
 * under php-cli for the admin browser test: stdin {"urlBase", "store", "website"}, stdout the HTML.
 */

declare(strict_types=1);

require __DIR__ . '/../Unit/_bootstrap.php';

use Magento\Backend\Block\Template\Context;
use Magento\Framework\Data\Form\Element\AbstractElement;
use Magento\Framework\View\Element\Template;
use Varai\TryOn\Block\Adminhtml\System\Config\TestConnection;
use Varai\TryOn\Test\Support\ArrayScopeConfig;
use Varai\TryOn\Test\Support\Request;
use Varai\TryOn\Test\Support\Stores;

$input = json_decode((string) stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
Template::$urlBase = $input['urlBase'];
$request = new Request(['store' => $input['store'] ?? 0, 'website' => $input['website'] ?? 0]);
$block = new TestConnection(new Context(new ArrayScopeConfig(), new Stores(), $request));
echo $block->render(new AbstractElement());
