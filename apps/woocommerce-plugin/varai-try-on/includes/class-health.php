<?php

namespace VARAi\TryOn;

defined('ABSPATH') || exit;

/**
 * What a merchant sees when something is off: a "VARAi Try-On" section on WooCommerce > Status
 * (connection, each webhook's status and failing deliveries, last catalog sync), and an admin
 * notice when WooCommerce has disabled a VARAi webhook (it does after five failed deliveries and
 * never retries), with a one-click repair that switches the hooks back on.
 */
final class Health
{
    private const SITE_CACHE = 'varai_try_on_site_status';

    public function register(): void
    {
        add_action('woocommerce_system_status_report', [$this, 'renderStatusSection']);
        add_action('admin_notices', [$this, 'renderDisabledNotice']);
        add_action('admin_post_varai_repair_webhooks', function (): void {
            wp_safe_redirect($this->handleRepair());
            exit;
        });
    }

    public function renderDisabledNotice(): void
    {
        if (!current_user_can(Connect::CAPABILITY) || !Options::isConnected()) {
            return;
        }
        $disabled = (new Webhooks())->disabled(Options::connection()['webhook_ids'] ?? []);
        if ($disabled === []) {
            return;
        }
        $topics = implode(', ', array_map(static fn(array $h): string => $h['topic'], $disabled));
        echo '<div class="notice notice-error"><p>';
        printf(
            /* translators: %s: webhook topics such as product.updated */
            esc_html__('WooCommerce disabled the VARAi webhooks for %s after failed deliveries, so VARAi no longer hears about changes.', 'varai-try-on'),
            '<code>' . esc_html($topics) . '</code>'
        );
        echo '</p><form method="post" action="' . esc_url(admin_url('admin-post.php')) . '">';
        echo '<input type="hidden" name="action" value="varai_repair_webhooks">';
        wp_nonce_field('varai_repair_webhooks');
        submit_button(__('Repair the VARAi webhooks', 'varai-try-on'), 'secondary', 'submit', false);
        echo '</form></div>';
    }

    /** Re-activates (or re-creates) every VARAi webhook with the connection's secret. */
    public function handleRepair(): string
    {
        if (!current_user_can(Connect::CAPABILITY)) {
            wp_die(esc_html__('You are not allowed to manage the VARAi connection.', 'varai-try-on'), 403);
        }
        check_admin_referer('varai_repair_webhooks');
        $connection = Options::connection();
        if (empty($connection['delivery_url']) || empty($connection['webhook_secret'])) {
            return Connect::settingsUrl(['varai_error' => 'varai_not_connected']);
        }
        $ids = (new Webhooks())->provision((string) $connection['delivery_url'], (string) $connection['webhook_secret']);
        if (is_wp_error($ids)) {
            return Connect::settingsUrl(['varai_error' => 'varai_webhooks_failed']);
        }
        Options::saveConnection(['webhook_ids' => $ids] + $connection);
        return Connect::settingsUrl(['varai_notice' => 'repaired']);
    }

    public function renderStatusSection(): void
    {
        $connection = Options::connection();
        $rows = [
            [__('Connection', 'varai-try-on'), Options::isConnected()
                ? (string) $connection['connection_id']
                : (Options::publishableKey() !== '' ? __('Publishable key entered by hand', 'varai-try-on') : __('Not connected', 'varai-try-on'))],
            [__('Connected since', 'varai-try-on'), (string) ($connection['connected_at'] ?? '–')],
            [__('Status at VARAi', 'varai-try-on'), $this->remote($connection, 'status')],
            [__('Last catalog sync', 'varai-try-on'), $this->remote($connection, 'lastSyncAt')],
        ];
        foreach ((new Webhooks())->health($connection['webhook_ids'] ?? []) as $hook) {
            $rows[] = [
                /* translators: %s: webhook topic */
                sprintf(__('Webhook %s', 'varai-try-on'), $hook['topic'] !== '' ? $hook['topic'] : '#' . $hook['id']),
                /* translators: 1: webhook status, 2: number of failed deliveries */
                sprintf(__('%1$s, %2$d failed deliveries', 'varai-try-on'), $hook['status'], $hook['failures']),
            ];
        }
        echo '<table class="wc_status_table widefat" cellspacing="0"><thead><tr><th colspan="3" data-export-label="VARAi Try-On"><h2>'
            . esc_html__('VARAi Try-On', 'varai-try-on') . '</h2></th></tr></thead><tbody>';
        foreach ($rows as [$label, $value]) {
            printf(
                '<tr><td data-export-label="%1$s">%2$s:</td><td class="help">&nbsp;</td><td>%3$s</td></tr>',
                esc_attr($label),
                esc_html($label),
                esc_html($value)
            );
        }
        echo '</tbody></table>';
    }

    /** One field of the site as VARAi sees it, asked at most every five minutes; "unknown" when unreachable. */
    private function remote(array $connection, string $field): string
    {
        if (empty($connection['site_token'])) {
            return '–';
        }
        $site = get_transient(self::SITE_CACHE);
        if (!is_array($site)) {
            $site = VaraiApi::fromSettings()->site((string) $connection['site_token']);
            $site = is_wp_error($site) ? ['error' => $site->get_error_code()] : $site;
            set_transient(self::SITE_CACHE, $site, 300);
        }
        if (isset($site['error'])) {
            /* translators: %s: error code */
            return sprintf(__('unknown (%s)', 'varai-try-on'), (string) $site['error']);
        }
        return is_string($site[$field] ?? null) ? $site[$field] : '–';
    }
}
