<?php

namespace VARAi\TryOn;

defined('ABSPATH') || exit;

/**
 * The store's webhooks to VARAi, managed through WooCommerce's own REST API (`wc/v3/webhooks`,
 * dispatched in-process as the current administrator), so WooCommerce validates them as it does
 * for any app. Idempotent: a hook that already points at VARAi for a topic is reused, and
 * re-activated if WooCommerce disabled it after failed deliveries.
 */
final class Webhooks
{
    public const TOPICS = ['product.created', 'product.updated', 'product.deleted', 'order.created'];

    /**
     * @return list<int>|\WP_Error the ids of the hooks, one per topic
     */
    public function provision(string $deliveryUrl, string $secret)
    {
        $existing = $this->ours($deliveryUrl);
        if (is_wp_error($existing)) {
            return $existing;
        }
        $ids = [];
        foreach (self::TOPICS as $topic) {
            $found = null;
            foreach ($existing as $hook) {
                if (($hook['topic'] ?? '') === $topic) {
                    $found = $hook;
                    break;
                }
            }
            $params = ['status' => 'active', 'secret' => $secret];
            $response = $found !== null
                ? $this->dispatch('PUT', '/wc/v3/webhooks/' . (int) $found['id'], $params)
                : $this->dispatch('POST', '/wc/v3/webhooks', $params + [
                    /* translators: %s: a webhook topic such as product.updated */
                    'name' => sprintf(__('VARAi %s', 'varai-try-on'), $topic),
                    'topic' => $topic,
                    'delivery_url' => $deliveryUrl,
                ]);
            if (is_wp_error($response)) {
                return $response;
            }
            $ids[] = (int) $response['id'];
        }
        return $this->dropDuplicates($deliveryUrl, $ids);
    }

    /**
     * VARAi's catalog also registers these hooks with the REST key it was handed, at the same time
     * as this runs: two creators can each add one for a topic. Both keep the same one, the oldest
     * (lowest id) per topic, and delete the others, so whichever runs last leaves exactly one.
     *
     * @param list<int> $keep the ids this call created or reused, in TOPICS order
     * @return list<int>|\WP_Error
     */
    private function dropDuplicates(string $deliveryUrl, array $keep)
    {
        $all = $this->ours($deliveryUrl);
        if (is_wp_error($all)) {
            return $all;
        }
        $oldest = [];
        foreach ($all as $hook) {
            $topic = (string) ($hook['topic'] ?? '');
            $id = (int) $hook['id'];
            $oldest[$topic] = isset($oldest[$topic]) ? min($oldest[$topic], $id) : $id;
        }
        $kept = [];
        foreach (self::TOPICS as $i => $topic) {
            $kept[] = $oldest[$topic] ?? $keep[$i];
        }
        $extra = array_filter($all, static fn(array $hook): bool => !in_array((int) $hook['id'], $kept, true));
        $deleted = $this->deleteAll(array_map(static fn(array $hook): int => (int) $hook['id'], $extra));
        return is_wp_error($deleted) ? $deleted : $kept;
    }

    /** @return list<array<string, mixed>>|\WP_Error the hooks whose delivery URL is ours */
    public function ours(string $deliveryUrl)
    {
        $list = $this->dispatch('GET', '/wc/v3/webhooks', ['per_page' => 100]);
        if (is_wp_error($list)) {
            return $list;
        }
        return array_values(array_filter(
            $list,
            static fn($hook): bool => is_array($hook) && ($hook['delivery_url'] ?? '') === $deliveryUrl
        ));
    }

    /** @return list<array{id: int, topic: string, status: string, failures: int}> our hooks WooCommerce disabled */
    public function disabled(array $ids): array
    {
        return array_values(array_filter(
            $this->health($ids),
            static fn(array $hook): bool => $hook['status'] === 'disabled'
        ));
    }

    /**
     * Status and failure count per hook, from WooCommerce's webhook objects (the REST view does not
     * expose the failure count).
     *
     * @return list<array{id: int, topic: string, status: string, failures: int}>
     */
    public function health(array $ids): array
    {
        $out = [];
        foreach ($ids as $id) {
            $hook = function_exists('wc_get_webhook') ? wc_get_webhook((int) $id) : null;
            if (!$hook) {
                $out[] = ['id' => (int) $id, 'topic' => '', 'status' => 'missing', 'failures' => 0];
                continue;
            }
            $out[] = [
                'id' => (int) $id,
                'topic' => (string) $hook->get_topic(),
                'status' => (string) $hook->get_status(),
                'failures' => (int) $hook->get_failure_count(),
            ];
        }
        return $out;
    }

    /** @return true|\WP_Error */
    public function deleteAll(array $ids)
    {
        foreach ($ids as $id) {
            $response = $this->dispatch('DELETE', '/wc/v3/webhooks/' . (int) $id, ['force' => true]);
            // Already gone (deleted by hand) is what we wanted.
            if (is_wp_error($response) && $response->get_error_code() !== 'woocommerce_rest_shop_webhook_invalid_id') {
                return $response;
            }
        }
        return true;
    }

    /** @return array<mixed>|\WP_Error */
    private function dispatch(string $method, string $route, array $params)
    {
        $request = new \WP_REST_Request($method, $route);
        foreach ($params as $name => $value) {
            $request->set_param($name, $value);
        }
        $response = rest_do_request($request);
        $data = $response->get_data();
        if ($response->is_error()) {
            $code = is_array($data) && is_string($data['code'] ?? null) ? $data['code'] : 'varai_webhook_failed';
            $message = is_array($data) && is_string($data['message'] ?? null)
                ? $data['message'] : __('WooCommerce refused the webhook request.', 'varai-try-on');
            return new \WP_Error($code, $message, ['status' => $response->get_status()]);
        }
        return is_array($data) ? $data : [];
    }
}
