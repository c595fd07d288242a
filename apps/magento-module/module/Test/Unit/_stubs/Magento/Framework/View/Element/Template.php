<?php

// Test stub of Magento\Framework\View\Element\Template (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\View\Element;

use Magento\Framework\Component\ComponentRegistrar;
use Magento\Framework\DataObject;
use Magento\Framework\View\Element\Template\Context;
use Magento\Framework\View\Helper\SecureHtmlRenderer;

/** Stub: renders `Module_Name::file.phtml` from the module's view/{frontend,adminhtml}/templates. */
class Template extends DataObject
{
    /** Where static view files are served (Test/Cli/render-product-block.php points it at a test server). */
    public static string $staticBaseUrl = 'https://shop.example/static/frontend/Magento/luma/en_US/';
    /** The admin's base URL for getUrl() (the admin browser test points it at its server). */
    public static string $urlBase = 'https://admin.example/admin/';

    protected $_template;
    protected $_scopeConfig;
    protected $_storeManager;
    protected $_escaper;
    protected $request;

    public function __construct(Context $context, array $data = [])
    {
        parent::__construct($data);
        $this->_scopeConfig = $context->scopeConfig;
        $this->_storeManager = $context->storeManager;
        $this->_escaper = $context->escaper;
        $this->request = $context->request;
    }

    public function getRequest(): \Magento\Framework\App\RequestInterface
    {
        return $this->request;
    }

    public function getUrl($route = '', $params = []): string
    {
        return self::$urlBase . trim($route, '/') . '/';
    }

    public function getViewFileUrl($fileId, array $params = []): string
    {
        [$module, $file] = explode('::', $fileId);
        return self::$staticBaseUrl . $module . '/' . $file;
    }

    public function getFormKey(): string
    {
        return 'stub-form-key';
    }

    public function escapeHtml($data): string
    {
        return $this->_escaper->escapeHtml($data);
    }

    public function escapeUrl($data): string
    {
        return $this->_escaper->escapeUrl($data);
    }

    public function toHtml(): string
    {
        return $this->_toHtml();
    }

    protected function _toHtml(): string
    {
        [$module, $file] = explode('::', (string) $this->_template);
        $root = (new ComponentRegistrar())->getPath(ComponentRegistrar::MODULE, $module);
        foreach (['frontend', 'adminhtml'] as $area) {
            $path = $root . '/view/' . $area . '/templates/' . $file;
            if (is_file($path)) {
                return $this->renderFile($path);
            }
        }
        throw new \RuntimeException('template not found: ' . $this->_template);
    }

    private function renderFile(string $path): string
    {
        $block = $this;
        $escaper = $this->_escaper;
        $secureRenderer = new SecureHtmlRenderer();
        ob_start();
        include $path;
        return (string) ob_get_clean();
    }
}
