<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Unit\Plugin;

use Magento\Csp\Model\Collector\CspWhitelistXmlCollector;
use Magento\Csp\Model\Policy\FetchPolicy;
use PHPUnit\Framework\TestCase;
use Varai\TryOn\Model\Config;
use Varai\TryOn\Plugin\Csp\AddConfiguredHost;
use Varai\TryOn\Test\Support\ArrayScopeConfig;
use Varai\TryOn\Test\Support\PrefixEncryptor;
use Varai\TryOn\Test\Support\Stores;

class AddConfiguredHostTest extends TestCase
{
    private function collect(array $config): array
    {
        $plugin = new AddConfiguredHost(new Config(new ArrayScopeConfig($config), new PrefixEncryptor()), new Stores());
        $existing = [new FetchPolicy('script-src', false, ['https://api.varai.ai'])];
        return $plugin->afterCollect(new CspWhitelistXmlCollector(), $existing);
    }

    public function testAddsTheConfiguredHostWithItsPortToTheWidgetsDirectives(): void
    {
        $policies = $this->collect([Config::XML_ENABLED => '1', Config::XML_API_URL => 'https://eu.varai.example:8443/base/']);
        $added = array_slice($policies, 1);
        $this->assertSame(AddConfiguredHost::DIRECTIVES, array_map(static fn (FetchPolicy $p): string => $p->getId(), $added));
        foreach ($added as $policy) {
            $this->assertSame(['https://eu.varai.example:8443'], $policy->getHostSources());
        }
    }

    public function testLeavesThePoliciesAloneWhenDisabledOrTheUrlIsNotOne(): void
    {
        $this->assertCount(1, $this->collect([Config::XML_ENABLED => '0', Config::XML_API_URL => 'https://x.example']));
        $this->assertCount(1, $this->collect([Config::XML_ENABLED => '1', Config::XML_API_URL => 'not a url']));
    }
}
