<?php

/**
 * Shared vector (php-cli): one webhook delivery as WC_Webhook::deliver sends it. The body is
 * trim(wp_json_encode($payload)) and X-WC-Webhook-Signature is
 * base64_encode(hash_hmac('sha256', $body, wp_specialchars_decode($secret, ENT_QUOTES), true))
 * (class-wc-webhook.php, generate_signature). Reads {"secret", "topic", "payload"} as JSON on stdin;
 * prints {"headers", "body"}.
 */

$in = json_decode((string) stream_get_contents(STDIN), true);
$secret = htmlspecialchars_decode((string) $in['secret'], ENT_QUOTES);
$body = trim((string) json_encode($in['payload']));
[$resource, $event] = explode('.', (string) $in['topic'], 2);
echo json_encode([
    'headers' => [
        'Content-Type' => 'application/json',
        'User-Agent' => 'WooCommerce/9.9.0 Hookshot (WordPress/6.5.5)',
        'X-WC-Webhook-Source' => 'https://shop.example/',
        'X-WC-Webhook-Topic' => $in['topic'],
        'X-WC-Webhook-Resource' => $resource,
        'X-WC-Webhook-Event' => $event,
        'X-WC-Webhook-Signature' => base64_encode(hash_hmac('sha256', $body, $secret, true)),
        'X-WC-Webhook-ID' => '7',
        'X-WC-Webhook-Delivery-ID' => md5(uniqid('', true)),
    ],
    'body' => $body,
]);
