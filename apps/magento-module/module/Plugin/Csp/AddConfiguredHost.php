<?php

declare(strict_types=1);

namespace Varai\TryOn\Plugin\Csp;

use Magento\Csp\Model\Collector\CspWhitelistXmlCollector;
use Magento\Csp\Model\Policy\FetchPolicy;
use Magento\Store\Model\StoreManagerInterface;
use Varai\TryOn\Model\Config;

/**
 * etc/csp_whitelist.xml can only name a fixed host; a merchant may point the module at another
 * VARAi host (a region, a staging gateway). That host is added to the directives the widget
 * needs: its loader and chunks (script-src), its API calls (connect-src), frame images (img-src).
 */
class AddConfiguredHost
{
    public const DIRECTIVES = ['script-src', 'connect-src', 'img-src'];

    public function __construct(
        private readonly Config $config,
        private readonly StoreManagerInterface $storeManager
    ) {
    }

    /**
     * @param array<int, mixed> $policies
     * @return array<int, mixed>
     */
    public function afterCollect(CspWhitelistXmlCollector $subject, array $policies): array
    {
        $storeId = (int) $this->storeManager->getStore()->getId();
        if (!$this->config->isEnabled($storeId)) {
            return $policies;
        }
        $parts = parse_url($this->config->getApiUrl($storeId));
        if (!is_array($parts) || !isset($parts['scheme'], $parts['host'])) {
            return $policies;
        }
        $host = $parts['scheme'] . '://' . $parts['host'] . (isset($parts['port']) ? ':' . $parts['port'] : '');
        foreach (self::DIRECTIVES as $directive) {
            $policies[] = new FetchPolicy($directive, false, [$host], [], false, false, false, [], [], false, false);
        }
        return $policies;
    }
}
