<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Support;

use Magento\Framework\App\RequestInterface;

/** Request parameters, as the admin's controllers and blocks read them. */
class Request implements RequestInterface
{
    /** @param array<string, mixed> $params */
    public function __construct(private array $params = [])
    {
    }

    public function getParam($key, $defaultValue = null)
    {
        return $this->params[$key] ?? $defaultValue;
    }
}
