<?php

declare(strict_types=1);

namespace Varai\TryOn\Model;

use Magento\Store\Model\StoreManagerInterface;
use Varai\TryOn\Model\Outbox\EventBuilder;
use Varai\TryOn\Model\Outbox\Sender;

/**
 * The admin's "Test connection": sends one signed `connection.test` now (not through the outbox)
 * and says in the merchant's terms what VARAi answered.
 */
class ConnectionTester
{
    public function __construct(
        private readonly Config $config,
        private readonly EventBuilder $events,
        private readonly Sender $sender,
        private readonly StoreManagerInterface $storeManager
    ) {
    }

    /** @return array{ok: bool, status: int, message: string} */
    public function test(int $storeId): array
    {
        if (!$this->config->canSend($storeId)) {
            return $this->result(false, 0, 'Enable VARAi and fill in the API URL, connection id and shared secret,'
                . ' then save the configuration first.');
        }
        $code = (string) $this->storeManager->getStore($storeId)->getCode();
        $response = $this->sender->send($this->events->connectionTest($storeId, $code));
        $connection = $this->config->getConnectionId($storeId);
        $status = $response->status;
        return match (true) {
            $response->isSuccess() => $this->result(true, $status, sprintf(
                'Connected: VARAi verified the signature for connection %s.',
                $connection
            )),
            $status === 401 => $this->result(false, 401, 'VARAi refused the signature:'
                . ' the shared secret is not this connection\'s webhook secret.'),
            $status === 404 => $this->result(false, 404, sprintf(
                'VARAi has no connection %s: check the connection id and the API URL.',
                $connection
            )),
            $status === 0 => $this->result(false, 0, sprintf(
                'Could not reach VARAi at %s (%s).',
                $this->config->getApiUrl($storeId),
                $response->error
            )),
            default => $this->result(false, $status, 'VARAi answered ' . $response->describe()),
        };
    }

    /** @return array{ok: bool, status: int, message: string} */
    private function result(bool $ok, int $status, string $message): array
    {
        return ['ok' => $ok, 'status' => $status, 'message' => $message];
    }
}
