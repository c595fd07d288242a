<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Outbox;

/** `X-Varai-Signature`: base64(HMAC-SHA256(shared secret, raw body bytes)). */
class Signer
{
    public function sign(string $body, string $secret): string
    {
        return base64_encode(hash_hmac('sha256', $body, $secret, true));
    }
}
