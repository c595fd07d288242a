<?php

declare(strict_types=1);

namespace Varai\TryOn\Block;

use Magento\Catalog\Helper\Data as CatalogHelper;
use Magento\Framework\View\Element\Template;
use Magento\Framework\View\Element\Template\Context;
use Varai\TryOn\Model\Config;

/**
 * The product page's try-on: `<varai-try-on sku="...">` plus the VARAi loader script (external,
 * never inline, so 2.4.7's CSP needs only the host) and the module's attribution script.
 * Plain custom element and vanilla JS: no RequireJS, Knockout or jQuery, so Luma and Hyvä alike.
 */
class TryOn extends Template
{
    protected $_template = 'Varai_TryOn::tryon.phtml';

    public function __construct(
        Context $context,
        private readonly Config $config,
        private readonly CatalogHelper $catalogHelper,
        array $data = []
    ) {
        parent::__construct($context, $data);
    }

    public function shouldRender(): bool
    {
        return $this->config->showOnProductPage($this->storeId()) && $this->getSku() !== '';
    }

    public function getSku(): string
    {
        $product = $this->catalogHelper->getProduct();
        return $product === null ? '' : (string) $product->getSku();
    }

    public function getLoaderUrl(): string
    {
        return $this->config->getApiUrl($this->storeId()) . '/widget/varai.js';
    }

    public function getPublishableKey(): string
    {
        return $this->config->getPublishableKey($this->storeId());
    }

    /** `lang` for the widget: the store view's locale (en_US -> en-US). */
    public function getLang(): string
    {
        $locale = (string) $this->_scopeConfig->getValue('general/locale/code', 'store', $this->storeId());
        return str_replace('_', '-', $locale === '' ? 'en_US' : $locale);
    }

    public function getSessionScriptUrl(): string
    {
        return $this->getViewFileUrl('Varai_TryOn::js/varai-session.js');
    }

    protected function _toHtml(): string
    {
        return $this->shouldRender() ? parent::_toHtml() : '';
    }

    private function storeId(): int
    {
        return (int) $this->_storeManager->getStore()->getId();
    }
}
