<?php

// Test stub of Magento\Csp\Model\Policy\FetchPolicy (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Csp\Model\Policy;

class FetchPolicy
{
    public function __construct(
        private string $id,
        private bool $noneAllowed = true,
        private array $hostSources = [],
        private array $schemeSources = [],
        private bool $selfAllowed = false,
        private bool $inlineAllowed = false,
        private bool $evalAllowed = false,
        private array $nonceValues = [],
        private array $hashValues = [],
        private bool $dynamicAllowed = false,
        private bool $eventHandlersAllowed = false
    ) {
    }

    public function getId(): string
    {
        return $this->id;
    }

    public function getHostSources(): array
    {
        return $this->hostSources;
    }
}
