<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Support;

use Magento\Store\Api\Data\StoreInterface;

class Store implements StoreInterface
{
    public function __construct(private int $id, private string $code)
    {
    }

    public function getId()
    {
        return $this->id;
    }

    public function getCode()
    {
        return $this->code;
    }

    /** A website's default store (the Test controller asks a website for it). */
    public function getDefaultStore(): self
    {
        return $this;
    }
}
