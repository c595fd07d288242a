<?php

declare(strict_types=1);

namespace Varai\TryOn\Model;

use Magento\Framework\App\Config\ScopeConfigInterface;
use Magento\Framework\Encryption\EncryptorInterface;
use Magento\Store\Model\ScopeInterface;

/**
 * The module's settings (Stores > Configuration > VARAi > Try-on), read per store view: each
 * store view can name its own VARAi connection.
 */
class Config
{
    public const XML_ENABLED = 'varai_tryon/general/enabled';
    public const XML_API_URL = 'varai_tryon/general/api_url';
    public const XML_CONNECTION_ID = 'varai_tryon/general/connection_id';
    public const XML_PUBLISHABLE_KEY = 'varai_tryon/general/publishable_key';
    public const XML_SHARED_SECRET = 'varai_tryon/general/shared_secret';
    public const XML_PRODUCT_PAGE = 'varai_tryon/widget/product_page';
    public const XML_BATCH_SIZE = 'varai_tryon/outbox/batch_size';
    public const XML_MAX_BATCHES = 'varai_tryon/outbox/max_batches';
    public const XML_MAX_ATTEMPTS = 'varai_tryon/outbox/max_attempts';
    public const XML_KEEP_SENT_DAYS = 'varai_tryon/outbox/keep_sent_days';
    public const XML_TIMEOUT = 'varai_tryon/outbox/timeout_seconds';

    public function __construct(
        private readonly ScopeConfigInterface $scopeConfig,
        private readonly EncryptorInterface $encryptor
    ) {
    }

    public function isEnabled(?int $storeId = null): bool
    {
        return $this->scopeConfig->isSetFlag(self::XML_ENABLED, ScopeInterface::SCOPE_STORE, $storeId);
    }

    /** Enabled and every value a signed event needs is set. */
    public function canSend(?int $storeId = null): bool
    {
        return $this->isEnabled($storeId)
            && $this->getApiUrl($storeId) !== ''
            && $this->getConnectionId($storeId) !== ''
            && $this->getSharedSecret($storeId) !== '';
    }

    public function getApiUrl(?int $storeId = null): string
    {
        return rtrim($this->string(self::XML_API_URL, $storeId), '/');
    }

    public function getConnectionId(?int $storeId = null): string
    {
        return $this->string(self::XML_CONNECTION_ID, $storeId);
    }

    public function getPublishableKey(?int $storeId = null): string
    {
        return $this->string(self::XML_PUBLISHABLE_KEY, $storeId);
    }

    /** Stored encrypted (backend model Encrypted); decrypted only here, never logged. */
    public function getSharedSecret(?int $storeId = null): string
    {
        $stored = $this->string(self::XML_SHARED_SECRET, $storeId);
        return $stored === '' ? '' : trim($this->encryptor->decrypt($stored));
    }

    /** `POST {api}/webhooks/magento/{connectionId}` (adapters/magento README: event contract). */
    public function getWebhookUrl(?int $storeId = null): string
    {
        return $this->getApiUrl($storeId) . '/webhooks/magento/' . rawurlencode($this->getConnectionId($storeId));
    }

    public function showOnProductPage(?int $storeId = null): bool
    {
        return $this->isEnabled($storeId)
            && $this->scopeConfig->isSetFlag(self::XML_PRODUCT_PAGE, ScopeInterface::SCOPE_STORE, $storeId)
            && $this->getPublishableKey($storeId) !== '';
    }

    public function getBatchSize(): int
    {
        return $this->bounded(self::XML_BATCH_SIZE, 50, 1, 500);
    }

    public function getMaxBatches(): int
    {
        return $this->bounded(self::XML_MAX_BATCHES, 20, 1, 1000);
    }

    public function getMaxAttempts(): int
    {
        return $this->bounded(self::XML_MAX_ATTEMPTS, 10, 1, 100);
    }

    public function getKeepSentDays(): int
    {
        return $this->bounded(self::XML_KEEP_SENT_DAYS, 7, 1, 365);
    }

    public function getTimeoutSeconds(): int
    {
        return $this->bounded(self::XML_TIMEOUT, 10, 1, 120);
    }

    private function string(string $path, ?int $storeId): string
    {
        return trim((string) $this->scopeConfig->getValue($path, ScopeInterface::SCOPE_STORE, $storeId));
    }

    /** Global outbox settings; an empty or out-of-range value falls back to its default. */
    private function bounded(string $path, int $default, int $min, int $max): int
    {
        $raw = $this->scopeConfig->getValue($path);
        if ($raw === null || $raw === '' || !is_numeric($raw)) {
            return $default;
        }
        return max($min, min($max, (int) $raw));
    }
}
