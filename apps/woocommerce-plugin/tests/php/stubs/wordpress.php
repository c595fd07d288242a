<?php

/**
 * Hand-written stand-ins for the WordPress functions the plugin calls (Brain Monkey and WP_Mock
 * are Packagist-only, not obtainable here). They keep state in WpStub so tests can arrange it
 * and assert on what the plugin did; behaviour follows WordPress where the plugin relies on it
 * (add_query_arg does not encode new values, check_admin_referer dies on a bad nonce).
 */

final class WpDie extends RuntimeException
{
}

final class WpStub
{
    public static array $options = [];
    public static array $transients = [];
    public static array $actions = [];
    public static array $filters = [];
    public static array $shortcodes = [];
    public static array $caps = [];
    public static int $userId = 1;
    public static bool $isAdmin = true;
    /** @var list<array{url: string, args: array}> */
    public static array $remote = [];
    /** @var list<array|WP_Error> answers for wp_remote_request, in order */
    public static array $remoteAnswers = [];
    /** @var list<WP_REST_Request> */
    public static array $rest = [];
    /** @var callable(WP_REST_Request): WP_REST_Response */
    public static $restHandler;
    public static array $registeredScripts = [];
    public static array $enqueued = [];
    public static array $blocks = [];
    public static array $settingsErrors = [];
    public static array $registeredSettings = [];
    public static array $menus = [];

    public static function reset(): void
    {
        self::$options = ['permalink_structure' => '/%postname%/'];
        self::$transients = [];
        self::$actions = [];
        self::$filters = [];
        self::$shortcodes = [];
        self::$caps = ['manage_woocommerce' => true];
        self::$userId = 1;
        self::$isAdmin = true;
        self::$remote = [];
        self::$remoteAnswers = [];
        self::$rest = [];
        self::$restHandler = static fn() => new WP_REST_Response([], 200);
        self::$registeredScripts = [];
        self::$enqueued = [];
        self::$blocks = [];
        self::$settingsErrors = [];
        self::$registeredSettings = [];
        self::$menus = [];
        $_GET = $_POST = $_REQUEST = $_COOKIE = [];
        $GLOBALS['wpdb'] = new WpdbStub();
        $GLOBALS['product'] = null;
        WcStub::reset();
    }

    /** Queues one HTTP answer for wp_remote_request. */
    public static function answer(int $status, array $json): void
    {
        self::$remoteAnswers[] = ['response' => ['code' => $status], 'body' => json_encode($json)];
    }
}

final class WpdbStub
{
    public string $prefix = 'wp_';
    public string $options = 'wp_options';
    public array $deleted = [];
    public array $queries = [];

    public function delete(string $table, array $where, array $format = []): int
    {
        $this->deleted[] = [$table, $where, $format];
        return 1;
    }

    public function esc_like(string $text): string
    {
        return addcslashes($text, '_%\\');
    }

    public function prepare(string $query, ...$args): string
    {
        return vsprintf(str_replace('%s', "'%s'", $query), $args);
    }

    public function query(string $query): int
    {
        $this->queries[] = $query;
        return 0;
    }
}

class WP_Error
{
    public function __construct(private string $code = '', private string $message = '', private $data = null)
    {
    }

    public function get_error_code(): string
    {
        return $this->code;
    }

    public function get_error_message(): string
    {
        return $this->message;
    }

    public function get_error_data()
    {
        return $this->data;
    }
}

class WP_REST_Request
{
    private array $params = [];

    public function __construct(private string $method = 'GET', private string $route = '')
    {
    }

    public function get_method(): string
    {
        return $this->method;
    }

    public function get_route(): string
    {
        return $this->route;
    }

    public function set_param(string $key, $value): void
    {
        $this->params[$key] = $value;
    }

    public function get_param(string $key)
    {
        return $this->params[$key] ?? null;
    }

    public function get_params(): array
    {
        return $this->params;
    }
}

class WP_REST_Response
{
    public function __construct(private $data = null, private int $status = 200)
    {
    }

    public function get_data()
    {
        return $this->data;
    }

    public function get_status(): int
    {
        return $this->status;
    }

    public function is_error(): bool
    {
        return $this->status >= 400;
    }
}

function add_action(string $hook, $callback, int $priority = 10, int $args = 1): bool
{
    WpStub::$actions[$hook][] = ['callback' => $callback, 'priority' => $priority];
    return true;
}

function add_filter(string $hook, $callback, int $priority = 10, int $args = 1): bool
{
    WpStub::$filters[$hook][] = ['callback' => $callback, 'priority' => $priority];
    return true;
}

function do_action(string $hook, ...$args): void
{
    foreach (WpStub::$actions[$hook] ?? [] as $entry) {
        ($entry['callback'])(...$args);
    }
}

function apply_filters(string $hook, $value, ...$args)
{
    foreach (WpStub::$filters[$hook] ?? [] as $entry) {
        $value = ($entry['callback'])($value, ...$args);
    }
    return $value;
}

function is_admin(): bool
{
    return WpStub::$isAdmin;
}

function load_plugin_textdomain(string $domain, $deprecated = false, $path = false): bool
{
    return true;
}

function plugin_basename(string $file): string
{
    return basename(dirname($file)) . '/' . basename($file);
}

function plugins_url(string $path = '', string $plugin = ''): string
{
    return 'https://shop.example/wp-content/plugins/' . basename(dirname($plugin)) . '/' . $path;
}

function get_option(string $name, $default = false)
{
    return array_key_exists($name, WpStub::$options) ? WpStub::$options[$name] : $default;
}

function update_option(string $name, $value, $autoload = null): bool
{
    WpStub::$options[$name] = $value;
    return true;
}

function delete_option(string $name): bool
{
    unset(WpStub::$options[$name]);
    return true;
}

function set_transient(string $name, $value, int $ttl = 0): bool
{
    WpStub::$transients[$name] = $value;
    return true;
}

function get_transient(string $name)
{
    return WpStub::$transients[$name] ?? false;
}

function delete_transient(string $name): bool
{
    unset(WpStub::$transients[$name]);
    return true;
}

function wp_unslash($value)
{
    return is_array($value) ? array_map('wp_unslash', $value) : (is_string($value) ? stripslashes($value) : $value);
}

function untrailingslashit(string $value): string
{
    return rtrim($value, '/\\');
}

function esc_url_raw(string $url): string
{
    return preg_match('#^https?://#i', $url) === 1 ? str_replace(['"', "'", ' ', '<', '>'], '', $url) : '';
}

function esc_url(string $url): string
{
    return htmlspecialchars(esc_url_raw($url), ENT_QUOTES);
}

function esc_attr($text): string
{
    return htmlspecialchars((string) $text, ENT_QUOTES, 'UTF-8');
}

function esc_html($text): string
{
    return htmlspecialchars((string) $text, ENT_QUOTES, 'UTF-8');
}

function __(string $text, string $domain = 'default'): string
{
    return $text;
}

function esc_html__(string $text, string $domain = 'default'): string
{
    return esc_html($text);
}

function add_settings_error(string $setting, string $code, string $message, string $type = 'error'): void
{
    WpStub::$settingsErrors[] = compact('setting', 'code', 'message', 'type');
}

function settings_errors(string $setting = ''): void
{
}

function wp_parse_url(string $url, int $component = -1)
{
    return parse_url($url, $component);
}

function sanitize_text_field(string $text): string
{
    return trim(preg_replace('/[\r\n\t ]+/', ' ', strip_tags($text)) ?? '');
}

function sanitize_key(string $key): string
{
    return preg_replace('/[^a-z0-9_\-]/', '', strtolower($key)) ?? '';
}

function wp_json_encode($data)
{
    return json_encode($data);
}

function wp_remote_request(string $url, array $args = [])
{
    WpStub::$remote[] = ['url' => $url, 'args' => $args];
    $answer = array_shift(WpStub::$remoteAnswers);
    return $answer ?? new WP_Error('http_request_failed', 'No stub answer queued');
}

function is_wp_error($thing): bool
{
    return $thing instanceof WP_Error;
}

function wp_remote_retrieve_response_code($response)
{
    return $response['response']['code'] ?? '';
}

function wp_remote_retrieve_body($response): string
{
    return (string) ($response['body'] ?? '');
}

function rest_do_request(WP_REST_Request $request): WP_REST_Response
{
    WpStub::$rest[] = $request;
    return (WpStub::$restHandler)($request);
}

function home_url(string $path = ''): string
{
    return 'https://shop.example' . $path;
}

function admin_url(string $path = ''): string
{
    return 'https://shop.example/wp-admin/' . $path;
}

function get_bloginfo(string $show = ''): string
{
    return $show === 'name' ? 'Example Optics' : '';
}

/** As WordPress: existing query values are re-encoded, new ones are added as given. */
function add_query_arg(...$args): string
{
    if (is_array($args[0])) {
        [$new, $url] = [$args[0], $args[1] ?? ''];
    } else {
        [$new, $url] = [[$args[0] => $args[1]], $args[2] ?? ''];
    }
    [$base, $query] = array_pad(explode('?', $url, 2), 2, '');
    parse_str($query, $existing);
    $pairs = array_map('urlencode', $existing);
    foreach ($new as $key => $value) {
        if ($value === false || $value === null) {
            unset($pairs[$key]);
        } else {
            $pairs[$key] = (string) $value;
        }
    }
    $built = implode('&', array_map(static fn($k, $v) => $k . '=' . $v, array_keys($pairs), $pairs));
    return $built === '' ? $base : $base . '?' . $built;
}

function wp_create_nonce($action = -1): string
{
    return 'nonce-' . $action;
}

function wp_nonce_field($action = -1, string $name = '_wpnonce'): void
{
    echo '<input type="hidden" name="' . esc_attr($name) . '" value="' . esc_attr(wp_create_nonce($action)) . '">';
}

function check_admin_referer($action = -1, string $query_arg = '_wpnonce')
{
    if (($_REQUEST[$query_arg] ?? null) !== wp_create_nonce($action)) {
        throw new WpDie('The link you followed has expired.', 403);
    }
    return 1;
}

function current_user_can(string $capability): bool
{
    return !empty(WpStub::$caps[$capability]);
}

function wp_die($message = '', $title = '', $args = []): void
{
    throw new WpDie((string) $message, is_int($title) ? $title : 500);
}

function get_current_user_id(): int
{
    return WpStub::$userId;
}

function wp_generate_password(int $length = 12, bool $special = true, bool $extra = false): string
{
    $chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    $out = '';
    for ($i = 0; $i < $length; $i++) {
        $out .= $chars[random_int(0, strlen($chars) - 1)];
    }
    return $out;
}

function add_submenu_page(string $parent, string $title, string $menu, string $cap, string $slug, $callback = null)
{
    WpStub::$menus[] = compact('parent', 'title', 'cap', 'slug');
    return $slug;
}

function register_setting(string $group, string $name, array $args = []): void
{
    WpStub::$registeredSettings[$name] = ['group' => $group] + $args;
}

function settings_fields(string $group): void
{
    echo '<input type="hidden" name="option_page" value="' . esc_attr($group) . '">';
    wp_nonce_field($group . '-options');
}

function submit_button($text = null, $type = 'primary', $name = 'submit', $wrap = true): void
{
    echo '<button type="submit" class="button button-' . esc_attr($type) . '">' . esc_html($text ?? 'Save Changes') . '</button>';
}

function checked($checked, $current = true, bool $display = true): string
{
    $out = (string) $checked === (string) $current ? " checked='checked'" : '';
    if ($display) {
        echo $out;
    }
    return $out;
}

function wp_register_script(string $handle, $src, array $deps = [], $ver = false, $args = []): bool
{
    WpStub::$registeredScripts[$handle] = compact('src', 'deps', 'ver', 'args');
    return true;
}

function wp_enqueue_script(string $handle): void
{
    WpStub::$enqueued[$handle] = true;
}

function register_block_type(string $path, array $args = [])
{
    WpStub::$blocks[] = $path;
    return true;
}

function absint($value): int
{
    return abs((int) $value);
}

function add_shortcode(string $tag, $callback): void
{
    WpStub::$shortcodes[$tag] = $callback;
}

function shortcode_atts(array $pairs, $atts, string $shortcode = ''): array
{
    $out = [];
    foreach ($pairs as $name => $default) {
        $out[$name] = array_key_exists($name, (array) $atts) ? $atts[$name] : $default;
    }
    return $out;
}

/** WordPress returns escaped attributes; the block supports add their classes. */
function get_block_wrapper_attributes(array $extra = []): string
{
    $classes = trim('wp-block-varai-try-on ' . ($extra['class'] ?? ''));
    return 'class="' . esc_attr($classes) . '"';
}

function wp_safe_redirect(string $location, int $status = 302): bool
{
    throw new RuntimeException('redirect: ' . $location);
}
