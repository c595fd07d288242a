<?php

// Test stub of Magento\Framework\DataObject (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework;

class DataObject
{
    /** @param array<string, mixed> $data */
    public function __construct(protected array $_data = [])
    {
    }

    public function getData(string $key = '', mixed $index = null): mixed
    {
        return $key === '' ? $this->_data : ($this->_data[$key] ?? null);
    }

    public function setData(string|array $key, mixed $value = null): static
    {
        if (is_array($key)) {
            $this->_data = $key;
        } else {
            $this->_data[$key] = $value;
        }
        return $this;
    }

    public function unsetData(string $key): static
    {
        unset($this->_data[$key]);
        return $this;
    }

    public function hasData(string $key): bool
    {
        return array_key_exists($key, $this->_data);
    }

    /** Magento's magic getFooBar/setFooBar/unsFooBar/hasFooBar over foo_bar. */
    public function __call(string $method, array $args): mixed
    {
        $key = strtolower((string) preg_replace('/(.)([A-Z])/', '$1_$2', substr($method, 3)));
        return match (substr($method, 0, 3)) {
            'get' => $this->getData($key),
            'set' => $this->setData($key, $args[0] ?? null),
            'uns' => $this->unsetData($key),
            'has' => $this->hasData($key),
            default => throw new \BadMethodCallException($method),
        };
    }
}
