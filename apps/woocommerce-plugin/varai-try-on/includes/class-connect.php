<?php

namespace VARAi\TryOn;

defined('ABSPATH') || exit;

/**
 * "Connect to VARAi" without copying keys:
 *  1. the button posts here; VARAi issues a one-time state and a claim token;
 *  2. the merchant approves VARAi on WooCommerce's own /wc-auth/v1/authorize page, and WooCommerce
 *     POSTs the new REST keys to VARAi's callback with the state as `user_id`;
 *  3. WooCommerce sends the merchant back here; the claim token collects the connection (id,
 *     publishable key, webhook delivery URL), and the plugin creates its webhooks.
 * Disconnect undoes all three.
 */
final class Connect
{
    public const CAPABILITY = 'manage_woocommerce';
    public const PAGE = 'varai-try-on';
    private const PENDING_TTL = 3600;

    public function register(): void
    {
        add_action('admin_post_varai_connect', fn() => $this->redirect($this->handleConnect()));
        add_action('admin_post_varai_disconnect', fn() => $this->redirect($this->handleDisconnect()));
        add_action('admin_init', function (): void {
            if (($_GET['page'] ?? '') === self::PAGE && isset($_GET['varai_return'])) {
                $this->redirect($this->handleReturn($_GET));
            }
        });
    }

    /** Step 1: returns the WooCommerce authorize URL to send the merchant to. */
    public function handleConnect(): string
    {
        $this->guard('varai_connect');
        $secret = self::generateSecret();
        $start = VaraiApi::fromSettings()->start(array_filter([
            'storeUrl' => home_url('/'),
            'storeName' => get_bloginfo('name'),
            'country' => self::baseCountry(),
            'webhookSecret' => $secret,
            // Attaches the store to an existing VARAi tenant (a one-time code from Studio).
            'linkCode' => Options::sanitizeLinkCode($_POST['link_code'] ?? ''),
        ], static fn($v) => $v !== '' && $v !== null));
        if (is_wp_error($start)) {
            return self::settingsUrl(['varai_error' => $start->get_error_code()]);
        }
        set_transient(self::pendingKey(), [
            'state' => $start['state'],
            'claimToken' => $start['claimToken'],
            'webhookSecret' => $secret,
        ], self::PENDING_TTL);
        return self::authorizeUrl($start['state'], $start['callbackUrl']);
    }

    public static function authorizeUrl(string $state, string $callbackUrl): string
    {
        $args = [
            'app_name' => 'VARAi',
            // read for the catalog; write so VARAi can re-activate a webhook WooCommerce disabled.
            'scope' => 'read_write',
            'user_id' => $state,
            // Not wp_nonce_url(): it HTML-escapes the & for printing, and this URL is data.
            'return_url' => self::settingsUrl(['varai_return' => '1', '_wpnonce' => wp_create_nonce('varai_connect_return')]),
            'callback_url' => $callbackUrl,
        ];
        // Pretty permalinks serve /wc-auth/v1/authorize; without them WooCommerce reads the same
        // route from its query vars.
        $base = get_option('permalink_structure')
            ? home_url('/wc-auth/v1/authorize')
            : add_query_arg(['wc-auth-version' => '1', 'wc-auth-route' => 'authorize'], home_url('/'));
        return add_query_arg(array_map('rawurlencode', $args), $base);
    }

    /** Step 3: WooCommerce sent the merchant back (`success`, `user_id`); returns where to go next. */
    public function handleReturn(array $query): string
    {
        $this->guard('varai_connect_return');
        $pending = get_transient(self::pendingKey());
        $state = sanitize_text_field(wp_unslash((string) ($query['user_id'] ?? '')));
        if (!is_array($pending) || $state === '' || !hash_equals((string) $pending['state'], $state)) {
            return self::settingsUrl(['varai_error' => 'varai_state_mismatch']);
        }
        delete_transient(self::pendingKey());
        if (($query['success'] ?? '') !== '1') {
            return self::settingsUrl(['varai_error' => 'varai_denied']);
        }
        $done = VaraiApi::fromSettings()->complete($state, (string) $pending['claimToken']);
        if (is_wp_error($done)) {
            return self::settingsUrl(['varai_error' => $done->get_error_code()]);
        }
        $connection = [
            'connection_id' => $done['connectionId'],
            'tenant_id' => $done['tenantId'],
            'site_token' => $done['siteToken'],
            'key_id' => (int) ($done['keyId'] ?? 0),
            'webhook_secret' => (string) $pending['webhookSecret'],
            'delivery_url' => $done['deliveryUrl'],
            'webhook_ids' => [],
            'connected_at' => gmdate('c'),
        ];
        Options::saveConnection($connection);
        Options::updateSettings(['publishable_key' => $done['publishableKey']]);
        $ids = (new Webhooks())->provision($done['deliveryUrl'], (string) $pending['webhookSecret']);
        if (is_wp_error($ids)) {
            return self::settingsUrl(['varai_error' => 'varai_webhooks_failed']);
        }
        Options::saveConnection(['webhook_ids' => $ids] + $connection);
        return self::settingsUrl(['varai_notice' => 'connected']);
    }

    public function handleDisconnect(): string
    {
        $this->guard('varai_disconnect');
        $failed = self::disconnect();
        return self::settingsUrl($failed ? ['varai_error' => $failed] : ['varai_notice' => 'disconnected']);
    }

    /**
     * Removes the webhooks, the REST key WooCommerce issued to VARAi and the connection on both
     * sides. Also run by uninstall.php. The local state is cleared even when VARAi cannot be
     * reached, so the store stops sending; the error is returned for the notice.
     */
    public static function disconnect(): ?string
    {
        $connection = Options::connection();
        if ($connection === []) {
            return null;
        }
        $problem = null;
        $deleted = (new Webhooks())->deleteAll($connection['webhook_ids'] ?? []);
        if (is_wp_error($deleted)) {
            $problem = $deleted->get_error_code();
        }
        if (!empty($connection['key_id'])) {
            global $wpdb;
            $wpdb->delete($wpdb->prefix . 'woocommerce_api_keys', ['key_id' => (int) $connection['key_id']], ['%d']);
        }
        if (!empty($connection['site_token'])) {
            $remote = VaraiApi::fromSettings()->disconnect((string) $connection['site_token']);
            if (is_wp_error($remote)) {
                $problem = $problem ?? $remote->get_error_code();
            }
        }
        Options::clearConnection();
        Options::updateSettings(['publishable_key' => '']);
        return $problem;
    }

    /** 32 letters and digits: no `&` or `;`, which old WooCommerce versions HTML-escaped (#21693). */
    public static function generateSecret(): string
    {
        return wp_generate_password(32, false, false);
    }

    public static function settingsUrl(array $args = []): string
    {
        return add_query_arg($args, admin_url('admin.php?page=' . self::PAGE));
    }

    private function guard(string $nonceAction): void
    {
        if (!current_user_can(self::CAPABILITY)) {
            wp_die(esc_html__('You are not allowed to manage the VARAi connection.', 'varai-try-on'), 403);
        }
        check_admin_referer($nonceAction);
    }

    private static function pendingKey(): string
    {
        return Options::PENDING_PREFIX . get_current_user_id();
    }

    private static function baseCountry(): string
    {
        $country = (string) get_option('woocommerce_default_country', '');
        return strtoupper(substr($country, 0, 2));
    }

    private function redirect(string $url): void
    {
        // The authorize page is on this same site, so wp_safe_redirect allows it.
        wp_safe_redirect($url);
        exit;
    }
}
