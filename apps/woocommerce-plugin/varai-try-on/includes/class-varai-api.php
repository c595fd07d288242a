<?php

namespace VARAi\TryOn;

defined('ABSPATH') || exit;

/**
 * The plugin's calls to VARAi (the `/woocommerce/*` routes of the VARAi installs service). JSON
 * both ways; a non-2xx answer becomes a WP_Error carrying the problem's `code` and `detail`.
 * Tokens travel in the body or the X-VARAi-Site-Token header, never in a URL.
 */
final class VaraiApi
{
    private const TIMEOUT = 15;

    public function __construct(private string $base)
    {
    }

    public static function fromSettings(): self
    {
        return new self(Options::settings()['api_base']);
    }

    /**
     * Step 1 of connect: a one-time state (passed to /wc-auth as `user_id`) and the claim token
     * that only this server holds and that collects the result in step 3.
     *
     * @return array{state: string, claimToken: string, callbackUrl: string}|\WP_Error
     */
    public function start(array $store)
    {
        $answer = $this->call('POST', '/woocommerce/auth/start', $store);
        if (is_wp_error($answer)) {
            return $answer;
        }
        foreach (['state', 'claimToken', 'callbackUrl'] as $field) {
            if (!is_string($answer[$field] ?? null) || $answer[$field] === '') {
                return new \WP_Error('varai_bad_answer', __('VARAi answered without a connect state.', 'varai-try-on'));
            }
        }
        return $answer;
    }

    /**
     * Step 3: after WooCommerce handed the keys to VARAi (step 2), the connection VARAi created.
     *
     * @return array{connectionId: string, tenantId: string, publishableKey: string, deliveryUrl: string,
     *   siteToken: string, keyId: int}|\WP_Error
     */
    public function complete(string $state, string $claimToken)
    {
        $answer = $this->call('POST', '/woocommerce/auth/complete', ['state' => $state, 'claimToken' => $claimToken]);
        if (is_wp_error($answer)) {
            return $answer;
        }
        foreach (['connectionId', 'tenantId', 'publishableKey', 'deliveryUrl', 'siteToken'] as $field) {
            if (!is_string($answer[$field] ?? null) || $answer[$field] === '') {
                return new \WP_Error('varai_bad_answer', __('VARAi answered without a connection.', 'varai-try-on'));
            }
        }
        return $answer;
    }

    /** @return array<string, mixed>|\WP_Error */
    public function site(string $siteToken)
    {
        return $this->call('GET', '/woocommerce/site', null, $siteToken);
    }

    /** Disconnect on the VARAi side: the connection is uninstalled and the store's keys deleted. */
    public function disconnect(string $siteToken)
    {
        return $this->call('DELETE', '/woocommerce/site', null, $siteToken);
    }

    /** @return array<string, mixed>|\WP_Error */
    private function call(string $method, string $path, ?array $body, string $siteToken = '')
    {
        $headers = ['Accept' => 'application/json'];
        if ($body !== null) {
            $headers['Content-Type'] = 'application/json';
        }
        if ($siteToken !== '') {
            // Its own header: VARAi reads Authorization as a user's access token.
            $headers['X-VARAi-Site-Token'] = $siteToken;
        }
        $response = wp_remote_request($this->base . $path, [
            'method' => $method,
            'timeout' => self::TIMEOUT,
            'headers' => $headers,
            'body' => $body === null ? null : wp_json_encode($body),
        ]);
        if (is_wp_error($response)) {
            return $response;
        }
        $status = (int) wp_remote_retrieve_response_code($response);
        $decoded = json_decode((string) wp_remote_retrieve_body($response), true);
        $decoded = is_array($decoded) ? $decoded : [];
        if ($status < 200 || $status > 299) {
            $code = is_string($decoded['code'] ?? null) ? $decoded['code'] : 'http_' . $status;
            $detail = is_string($decoded['detail'] ?? null) ? $decoded['detail'] : sprintf(
                /* translators: %d: HTTP status code */
                __('VARAi answered HTTP %d.', 'varai-try-on'),
                $status
            );
            return new \WP_Error('varai_' . $code, $detail, ['status' => $status]);
        }
        return $decoded;
    }
}
