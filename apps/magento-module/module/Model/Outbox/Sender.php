<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Outbox;

use Varai\TryOn\Model\Config;
use Varai\TryOn\Model\Http\Response;
use Varai\TryOn\Model\Http\TransportInterface;

/**
 * Sends one event as the adapter's contract says: the stored body, signed with the store view's
 * shared secret at send time (so a rotated secret applies to pending retries too).
 */
class Sender
{
    public const USER_AGENT = 'Varai_TryOn/1.0 (Magento 2)';

    public function __construct(
        private readonly Config $config,
        private readonly Signer $signer,
        private readonly TransportInterface $transport
    ) {
    }

    /** @param array{event_id: string, topic: string, store_id: int|string, body: string} $event */
    public function send(array $event): Response
    {
        $storeId = (int) $event['store_id'];
        if (!$this->config->canSend($storeId)) {
            return new Response(0, '', 'VARAi is not enabled or not fully configured for store ' . $storeId);
        }
        $headers = [
            'Content-Type' => 'application/json',
            'User-Agent' => self::USER_AGENT,
            'X-Varai-Topic' => (string) $event['topic'],
            'X-Varai-Event-Id' => (string) $event['event_id'],
            'X-Varai-Signature' => $this->signer->sign($event['body'], $this->config->getSharedSecret($storeId)),
        ];
        return $this->transport->post(
            $this->config->getWebhookUrl($storeId),
            $headers,
            $event['body'],
            $this->config->getTimeoutSeconds()
        );
    }
}
