<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Unit\Model;

use PHPUnit\Framework\TestCase;
use Varai\TryOn\Model\Config;
use Varai\TryOn\Test\Support\ArrayScopeConfig;
use Varai\TryOn\Test\Support\PrefixEncryptor;

class ConfigTest extends TestCase
{
    public function testReadsPerStoreViewWithDefaultFallbackAndDecryptsTheSecret(): void
    {
        $scope = new ArrayScopeConfig([
            Config::XML_ENABLED => '1',
            Config::XML_API_URL => ' https://api.varai.ai/ ',
            Config::XML_CONNECTION_ID => 'con a/b',
            Config::XML_SHARED_SECRET => 'enc:top-secret',
            Config::XML_PUBLISHABLE_KEY => 'pk_live_1',
        ], [2 => [Config::XML_CONNECTION_ID => 'con_fr', Config::XML_SHARED_SECRET => 'enc:fr-secret']]);
        $config = new Config($scope, new PrefixEncryptor());

        $this->assertTrue($config->canSend(1));
        $this->assertSame('https://api.varai.ai', $config->getApiUrl(1));
        $this->assertSame('https://api.varai.ai/webhooks/magento/con%20a%2Fb', $config->getWebhookUrl(1));
        $this->assertSame('top-secret', $config->getSharedSecret(1));
        $this->assertSame('fr-secret', $config->getSharedSecret(2));
        $this->assertSame('https://api.varai.ai/webhooks/magento/con_fr', $config->getWebhookUrl(2));
        $this->assertSame('pk_live_1', $config->getPublishableKey(2));
    }

    public function testCannotSendWithoutEverySigningValue(): void
    {
        foreach ([Config::XML_ENABLED, Config::XML_API_URL, Config::XML_CONNECTION_ID, Config::XML_SHARED_SECRET] as $missing) {
            $values = [
                Config::XML_ENABLED => '1',
                Config::XML_API_URL => 'https://api.varai.ai',
                Config::XML_CONNECTION_ID => 'con_1',
                Config::XML_SHARED_SECRET => 'enc:s',
            ];
            unset($values[$missing]);
            $this->assertFalse((new Config(new ArrayScopeConfig($values), new PrefixEncryptor()))->canSend(1), $missing);
        }
    }

    public function testOutboxNumbersFallBackToDefaultsAndAreBounded(): void
    {
        $config = new Config(new ArrayScopeConfig([
            Config::XML_BATCH_SIZE => '100000',
            Config::XML_MAX_ATTEMPTS => 'ten',
            Config::XML_TIMEOUT => '0',
        ]), new PrefixEncryptor());
        $this->assertSame(500, $config->getBatchSize());
        $this->assertSame(10, $config->getMaxAttempts());
        $this->assertSame(1, $config->getTimeoutSeconds());
        $this->assertSame(20, $config->getMaxBatches());
        $this->assertSame(7, $config->getKeepSentDays());
    }
}
