<?php

namespace VARAi\TryOn;

defined('ABSPATH') || exit;

/**
 * The plugin's stored state: merchant settings (one option, sanitised on save) and the connection
 * VARAi handed back (one option, written only by the connect flow). Both are removed on uninstall.
 */
final class Options
{
    public const SETTINGS = 'varai_try_on_settings';
    public const CONNECTION = 'varai_try_on_connection';
    public const PENDING_PREFIX = 'varai_try_on_pending_';
    public const DEFAULT_API_BASE = 'https://api.varai.ai';
    /** Publishable keys as VARAi issues them (`pk_` + URL-safe characters). */
    public const KEY_PATTERN = '/^pk_[A-Za-z0-9_-]{8,128}$/';

    /** @return array{api_base: string, publishable_key: string, auto_button: bool} */
    public static function settings(): array
    {
        $stored = get_option(self::SETTINGS, []);
        $stored = is_array($stored) ? $stored : [];
        return [
            'api_base' => is_string($stored['api_base'] ?? null) && $stored['api_base'] !== ''
                ? $stored['api_base'] : self::DEFAULT_API_BASE,
            'publishable_key' => is_string($stored['publishable_key'] ?? null) ? $stored['publishable_key'] : '',
            'auto_button' => (bool) ($stored['auto_button'] ?? false),
        ];
    }

    /**
     * The `register_setting` sanitise callback. Unknown fields are dropped; an invalid key or URL
     * keeps the previous value and reports a settings error instead of storing garbage.
     *
     * @param mixed $input
     * @return array{api_base: string, publishable_key: string, auto_button: bool}
     */
    public static function sanitize($input): array
    {
        $previous = self::settings();
        $input = is_array($input) ? wp_unslash($input) : [];
        $out = $previous;

        $base = untrailingslashit(esc_url_raw(trim((string) ($input['api_base'] ?? $previous['api_base']))));
        if (self::isAllowedApiBase($base)) {
            $out['api_base'] = $base;
        } else {
            add_settings_error(self::SETTINGS, 'varai_api_base', __('The VARAi URL must be an https:// address.', 'varai-try-on'));
        }

        $key = sanitize_text_field((string) ($input['publishable_key'] ?? ''));
        if ($key === '' || preg_match(self::KEY_PATTERN, $key) === 1) {
            $out['publishable_key'] = $key;
        } else {
            add_settings_error(self::SETTINGS, 'varai_publishable_key', __('That is not a VARAi publishable key (it starts with pk_).', 'varai-try-on'));
        }

        $out['auto_button'] = !empty($input['auto_button']);
        return $out;
    }

    /** A Studio link code (`vlc_` + base64url, case-sensitive): only those characters, at most 100. */
    public static function sanitizeLinkCode($raw): string
    {
        $code = preg_replace('/[^A-Za-z0-9_-]/', '', is_string($raw) ? wp_unslash($raw) : '') ?? '';
        return substr($code, 0, 100);
    }

    /**
     * https only, except a loopback host (a local VARAi during development and in the tests);
     * the REST keys and the webhook secret travel to this address.
     */
    public static function isAllowedApiBase(string $url): bool
    {
        $parts = wp_parse_url($url);
        if (!is_array($parts) || empty($parts['host']) || empty($parts['scheme'])) {
            return false;
        }
        if ($parts['scheme'] === 'https') {
            return true;
        }
        $loopback = in_array($parts['host'], ['127.0.0.1', 'localhost', '[::1]'], true);
        return $parts['scheme'] === 'http' && $loopback;
    }

    public static function updateSettings(array $changes): void
    {
        update_option(self::SETTINGS, array_merge(self::settings(), $changes));
    }

    /**
     * @return array{connection_id?: string, site_token?: string, key_id?: int, webhook_secret?: string,
     *   delivery_url?: string, webhook_ids?: list<int>, tenant_id?: string, connected_at?: string}
     */
    public static function connection(): array
    {
        $stored = get_option(self::CONNECTION, []);
        return is_array($stored) ? $stored : [];
    }

    public static function isConnected(): bool
    {
        return !empty(self::connection()['connection_id']);
    }

    public static function saveConnection(array $connection): void
    {
        // autoload off: the site token and webhook secret are not needed on every page load.
        update_option(self::CONNECTION, $connection, false);
    }

    public static function clearConnection(): void
    {
        delete_option(self::CONNECTION);
    }

    /** The key the storefront uses: the connected one, else one entered by hand. */
    public static function publishableKey(): string
    {
        return self::settings()['publishable_key'];
    }
}
