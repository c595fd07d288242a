<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Support;

use Magento\Framework\App\ResourceConnection;
use Varai\TryOn\Model\Config;
use Varai\TryOn\Model\ConnectionTester;
use Varai\TryOn\Model\Http\TransportInterface;
use Varai\TryOn\Model\Outbox\Backoff;
use Varai\TryOn\Model\Outbox\Drainer;
use Varai\TryOn\Model\Outbox\EventBuilder;
use Varai\TryOn\Model\Outbox\OrderEvents;
use Varai\TryOn\Model\Outbox\OutboxRepository;
use Varai\TryOn\Model\Outbox\ProductEvents;
use Varai\TryOn\Model\Outbox\Sender;
use Varai\TryOn\Model\Outbox\Signer;
use Varai\TryOn\Model\Outbox\StoreTargets;
use Varai\TryOn\Model\Attribution\SessionId;

/**
 * The module's object graph as Magento's DI would build it from etc/di.xml, over the test
 * doubles: a real SQLite outbox, array config, a clock the test moves. The php-cli scripts
 * (Test/Cli) use it with the real StreamTransport.
 */
class Module
{
    public int $now = 1767607200; // 2026-01-05 10:00:00 UTC
    public readonly SqliteConnection $db;
    public readonly ArrayScopeConfig $scopeConfig;
    public readonly Stores $stores;
    public readonly Config $config;
    public readonly EventBuilder $events;
    public readonly OutboxRepository $outbox;
    public readonly StoreTargets $targets;
    public readonly ProductEvents $productEvents;
    public readonly OrderEvents $orderEvents;
    public readonly Sender $sender;
    public readonly Drainer $drainer;
    public readonly ConnectionTester $tester;
    public readonly MemoryLocks $locks;
    public readonly MemoryLogger $logger;

    /**
     * @param array<string, mixed> $defaults config by path (the shared secret in plain text: stored encrypted here)
     * @param array<int, array<string, mixed>> $storeConfig per store view id
     * @param array<int, string> $storeCodes
     */
    public function __construct(
        public readonly TransportInterface $transport,
        array $defaults = [],
        array $storeConfig = [],
        array $storeCodes = [1 => 'default']
    ) {
        $encrypt = static function (array $values): array {
            if (isset($values[Config::XML_SHARED_SECRET])) {
                $secret = $values[Config::XML_SHARED_SECRET];
                $values[Config::XML_SHARED_SECRET] = (new PrefixEncryptor())->encrypt($secret);
            }
            return $values;
        };
        $this->db = new SqliteConnection();
        SqliteSchema::create($this->db, dirname(__DIR__, 2) . '/etc/db_schema.xml');
        $this->scopeConfig = new ArrayScopeConfig($encrypt($defaults), array_map($encrypt, $storeConfig));
        $this->stores = new Stores($storeCodes);
        $clock = fn (): int => $this->now;
        $this->config = new Config($this->scopeConfig, new PrefixEncryptor());
        $this->events = new EventBuilder($clock);
        $this->outbox = new OutboxRepository(new ResourceConnection($this->db));
        $this->targets = new StoreTargets($this->stores, $this->config);
        $this->productEvents = new ProductEvents($this->targets, $this->events, $this->outbox);
        $this->orderEvents = new OrderEvents($this->targets, $this->events, $this->outbox, new SessionId());
        $this->sender = new Sender($this->config, new Signer(), $transport);
        $this->locks = new MemoryLocks();
        $this->logger = new MemoryLogger();
        $this->drainer = new Drainer(
            $this->outbox,
            $this->sender,
            new Backoff(),
            $this->config,
            $this->locks,
            $this->logger,
            $clock
        );
        $this->tester = new ConnectionTester($this->config, $this->events, $this->sender, $this->stores);
    }

    /** Enabled, with a connection: what a configured store view has. */
    public static function configured(
        TransportInterface $transport,
        string $apiUrl = 'https://varai.test',
        string $secret = 'shh-secret'
    ): self {
        return new self($transport, [
            Config::XML_ENABLED => '1',
            Config::XML_API_URL => $apiUrl,
            Config::XML_CONNECTION_ID => 'con_1',
            Config::XML_PUBLISHABLE_KEY => 'pk_test_1',
            Config::XML_SHARED_SECRET => $secret,
            Config::XML_PRODUCT_PAGE => '1',
        ]);
    }

    /** @return list<array<string, mixed>> */
    public function rows(): array
    {
        return $this->db->fetchAll('SELECT * FROM varai_tryon_outbox ORDER BY outbox_id');
    }
}
