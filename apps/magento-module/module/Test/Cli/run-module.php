<?php

/**
 * Runs the module's real code under php-cli for the TypeScript tests (shared vectors, the
 * gateway integration): reads a scenario as JSON on stdin, fires the module's observers as
 * Magento would, drains the outbox once, and prints what happened as JSON.
 *
 * Scenario: {"apiUrl", "connectionId", "secret", "storeCode", "transport": "record"|"http",
 *   "actions": [{"do": "save"|"delete", "id", "sku", "updated_at"?, "new"?}
 *             | {"do": "order", "order": {...Magento order fields...}} | {"do": "test"}]}
 * Output: {"drain": {...}, "requests": [...] (record only), "rows": [...], "tests": [...]}.
 */

declare(strict_types=1);

require __DIR__ . '/../Unit/_bootstrap.php';

use Magento\Catalog\Model\Product;
use Magento\Framework\DataObject;
use Magento\Framework\Event;
use Magento\Framework\Event\Observer;
use Magento\Sales\Model\Order;
use Varai\TryOn\Model\Http\StreamTransport;
use Varai\TryOn\Observer\OrderPlaced;
use Varai\TryOn\Observer\ProductDeleteAfter;
use Varai\TryOn\Observer\ProductSaveAfter;
use Varai\TryOn\Test\Support\Module;
use Varai\TryOn\Test\Support\RecordingTransport;

$scenario = json_decode((string) stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$transport = ($scenario['transport'] ?? 'record') === 'http' ? new StreamTransport() : new RecordingTransport();
$module = new Module($transport, [
    'varai_tryon/general/enabled' => '1',
    'varai_tryon/general/api_url' => $scenario['apiUrl'],
    'varai_tryon/general/connection_id' => $scenario['connectionId'],
    'varai_tryon/general/shared_secret' => $scenario['secret'],
], [], [1 => $scenario['storeCode'] ?? 'default']);
$module->now = time();
$observe = static fn (array $data): Observer => new Observer(['event' => new Event($data)]);

$tests = [];
foreach ($scenario['actions'] as $action) {
    switch ($action['do']) {
        case 'save':
        case 'delete':
            $product = new Product([
                'id' => $action['id'],
                'sku' => $action['sku'],
                'updated_at' => $action['updated_at'] ?? null,
                'store_id' => 0,
                'store_ids' => [1],
            ]);
            $product->isObjectNew((bool) ($action['new'] ?? false));
            $observer = $action['do'] === 'save'
                ? new ProductSaveAfter($module->productEvents)
                : new ProductDeleteAfter($module->productEvents);
            $observer->execute($observe(['product' => $product]));
            break;
        case 'order':
            $data = $action['order'];
            $data['items'] = array_map(static fn (array $item): DataObject => new DataObject($item), $data['items']);
            $order = new Order($data + ['store_id' => 1]);
            (new OrderPlaced($module->orderEvents))->execute($observe(['order' => $order]));
            break;
        case 'test':
            $tests[] = $module->tester->test(1);
            break;
        default:
            throw new InvalidArgumentException('unknown action ' . $action['do']);
    }
}

$drain = $module->drainer->drain();
echo json_encode([
    'drain' => $drain,
    'requests' => $transport instanceof RecordingTransport ? $transport->requests : [],
    'rows' => array_map(static function (array $row): array {
        unset($row['body']);
        return $row;
    }, $module->rows()),
    'tests' => $tests,
], JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
