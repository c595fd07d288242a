<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Support;

use Magento\Framework\Encryption\EncryptorInterface;

/** Stands in for Magento's encryptor: a stored value is `enc:` + the secret, so a test sees decryption happen. */
class PrefixEncryptor implements EncryptorInterface
{
    public function encrypt($data)
    {
        return 'enc:' . $data;
    }

    public function decrypt($data)
    {
        return str_starts_with((string) $data, 'enc:') ? substr((string) $data, 4) : '';
    }
}
