<?php

namespace VARAi\TryOn;

defined('ABSPATH') || exit;

/**
 * WooCommerce > VARAi Try-On: the connection (connect / disconnect), manual key entry, the
 * automatic button. Saved through options.php with the Settings API (its nonce), sanitised by
 * Options::sanitize; every value printed is escaped.
 */
final class SettingsPage
{
    private const GROUP = 'varai_try_on';

    public function register(): void
    {
        add_action('admin_menu', [$this, 'addMenu']);
        add_action('admin_init', [$this, 'registerSettings']);
        // options.php asks for manage_options by default; shop managers have manage_woocommerce.
        add_filter('option_page_capability_' . self::GROUP, static fn() => Connect::CAPABILITY);
    }

    public function addMenu(): void
    {
        add_submenu_page(
            'woocommerce',
            __('VARAi Try-On', 'varai-try-on'),
            __('VARAi Try-On', 'varai-try-on'),
            Connect::CAPABILITY,
            Connect::PAGE,
            [$this, 'render']
        );
    }

    public function registerSettings(): void
    {
        register_setting(self::GROUP, Options::SETTINGS, [
            'type' => 'array',
            'sanitize_callback' => [Options::class, 'sanitize'],
            'default' => [],
        ]);
    }

    public function render(): void
    {
        if (!current_user_can(Connect::CAPABILITY)) {
            wp_die(esc_html__('You are not allowed to manage the VARAi connection.', 'varai-try-on'), 403);
        }
        $settings = Options::settings();
        echo '<div class="wrap"><h1>' . esc_html__('VARAi Try-On', 'varai-try-on') . '</h1>';
        settings_errors(Options::SETTINGS);
        $this->renderResultNotice();
        $this->renderConnection();
        echo '<form method="post" action="' . esc_url(admin_url('options.php')) . '">';
        settings_fields(self::GROUP);
        echo '<h2>' . esc_html__('Settings', 'varai-try-on') . '</h2><table class="form-table" role="presentation">';
        $this->row('varai-api-base', __('VARAi URL', 'varai-try-on'), sprintf(
            '<input type="url" class="regular-text" id="varai-api-base" name="%1$s[api_base]" value="%2$s">',
            esc_attr(Options::SETTINGS),
            esc_attr($settings['api_base'])
        ));
        $this->row('varai-publishable-key', __('Publishable key', 'varai-try-on'), sprintf(
            '<input type="text" class="regular-text code" id="varai-publishable-key" name="%1$s[publishable_key]" value="%2$s" placeholder="pk_…">'
            . '<p class="description">%3$s</p>',
            esc_attr(Options::SETTINGS),
            esc_attr($settings['publishable_key']),
            esc_html__('Filled in by Connect. To set it by hand, copy it from VARAi Commerce Studio > Developers.', 'varai-try-on')
        ));
        $this->row('varai-auto-button', __('Product pages', 'varai-try-on'), sprintf(
            '<label><input type="checkbox" id="varai-auto-button" name="%1$s[auto_button]" value="1"%2$s> %3$s</label>',
            esc_attr(Options::SETTINGS),
            checked($settings['auto_button'], true, false),
            esc_html__('Show the try-on button on every product page automatically', 'varai-try-on')
        ));
        echo '</table>';
        submit_button();
        echo '</form></div>';
    }

    private function renderConnection(): void
    {
        $connection = Options::connection();
        echo '<h2>' . esc_html__('Connection', 'varai-try-on') . '</h2>';
        if (Options::isConnected()) {
            printf(
                '<p>%1$s <code>%2$s</code></p>',
                esc_html__('Connected to VARAi. Connection:', 'varai-try-on'),
                esc_html((string) $connection['connection_id'])
            );
            echo '<form method="post" action="' . esc_url(admin_url('admin-post.php')) . '">'
                . '<input type="hidden" name="action" value="varai_disconnect">';
            wp_nonce_field('varai_disconnect');
            submit_button(__('Disconnect', 'varai-try-on'), 'delete', 'submit', false);
            echo '</form>';
            return;
        }
        echo '<p>' . esc_html__(
            'Connect this store to VARAi: WooCommerce asks you to approve access, then your catalog syncs and the try-on button is ready. No keys to copy.',
            'varai-try-on'
        ) . '</p>';
        echo '<form method="post" action="' . esc_url(admin_url('admin-post.php')) . '">'
            . '<input type="hidden" name="action" value="varai_connect">';
        wp_nonce_field('varai_connect');
        printf(
            '<p><label for="varai-link-code">%1$s</label> '
            . '<input type="text" id="varai-link-code" name="link_code" class="regular-text code" autocomplete="off"></p>'
            . '<p class="description">%2$s</p>',
            esc_html__('Studio link code (optional)', 'varai-try-on'),
            esc_html__('Already use VARAi? Create a link code in Commerce Studio > Stores to add this store to your account.', 'varai-try-on')
        );
        submit_button(__('Connect to VARAi', 'varai-try-on'), 'primary', 'submit', false);
        echo '</form>';
    }

    private function renderResultNotice(): void
    {
        $notice = sanitize_key(wp_unslash((string) ($_GET['varai_notice'] ?? '')));
        $error = sanitize_key(wp_unslash((string) ($_GET['varai_error'] ?? '')));
        $messages = [
            'connected' => __('Connected to VARAi. Your catalog is syncing.', 'varai-try-on'),
            'disconnected' => __('Disconnected from VARAi.', 'varai-try-on'),
            'repaired' => __('The VARAi webhooks are active again.', 'varai-try-on'),
        ];
        if (isset($messages[$notice])) {
            printf('<div class="notice notice-success"><p>%s</p></div>', esc_html($messages[$notice]));
        }
        if ($error !== '') {
            printf(
                '<div class="notice notice-error"><p>%1$s <code>%2$s</code></p></div>',
                esc_html__('The VARAi connection did not complete:', 'varai-try-on'),
                esc_html($error)
            );
        }
    }

    /** One form-table row; $field is HTML built above from escaped parts. */
    private function row(string $id, string $label, string $field): void
    {
        // phpcs:ignore VaraiWp.Security.EscapeOutput -- $field is assembled from escaped parts by render().
        printf('<tr><th scope="row"><label for="%1$s">%2$s</label></th><td>%3$s</td></tr>', esc_attr($id), esc_html($label), $field);
    }
}
