<?php

/**
 * Shared vector (php-cli): the body WooCommerce's WC_Auth::create_keys + access_granted POSTs to
 * the callback_url, built as class-wc-auth.php builds it: the same keys, types and encoding
 * (wp_json_encode is json_encode with the default flags here). Keys are made as wc_rand_hash()
 * makes them (sha1 of random bytes) unless given. Reads {"state", "scope", "consumerKey"?,
 * "consumerSecret"?} as JSON on stdin; prints {"headers", "body"}.
 */

$in = json_decode((string) stream_get_contents(STDIN), true);
$wcRandHash = static fn(): string => sha1(random_bytes(32));
$consumerKey = $in['consumerKey'] ?? 'ck_' . $wcRandHash();
$consumerSecret = $in['consumerSecret'] ?? 'cs_' . $wcRandHash();
$keyId = random_int(1, 9999); // $wpdb->insert_id
$data = [
    'key_id' => $keyId,
    'user_id' => (string) $in['state'], // wc_clean( $_REQUEST['user_id'] ): a string
    'consumer_key' => $consumerKey,
    'consumer_secret' => $consumerSecret,
    'key_permissions' => (string) $in['scope'],
];
echo json_encode([
    'headers' => ['Content-Type' => 'application/json;charset=UTF-8'],
    'body' => json_encode($data),
]);
