<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Attribution;

/**
 * The VARAi widget session id: the widgets keep it in sessionStorage (`varai:session`) and the
 * module's storefront script copies it into the first-party cookie `varai_session`, which the
 * quote observer reads. Only ids the widgets could have made are kept (the adapter's limit, 128).
 */
class SessionId
{
    public const COOKIE = 'varai_session';
    public const FIELD = 'varai_session_id';

    public function normalize(mixed $value): ?string
    {
        if (!is_string($value)) {
            return null;
        }
        $value = trim($value);
        return preg_match('/^[A-Za-z0-9_-]{1,128}$/', $value) === 1 ? $value : null;
    }
}
