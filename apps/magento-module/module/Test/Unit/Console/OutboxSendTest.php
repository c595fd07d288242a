<?php

declare(strict_types=1);

namespace Varai\TryOn\Test\Unit\Console;

use PHPUnit\Framework\TestCase;
use Symfony\Component\Console\Input\InputInterface;
use Symfony\Component\Console\Output\OutputInterface;
use Varai\TryOn\Console\Command\OutboxSend;
use Varai\TryOn\Model\Config;
use Varai\TryOn\Model\Http\Response;
use Varai\TryOn\Test\Support\Module;
use Varai\TryOn\Test\Support\RecordingTransport;

class OutboxSendTest extends TestCase
{
    /** @return array{0: int, 1: string} exit code and output */
    private function runCommand(OutboxSend $command, bool $retryDead = false): array
    {
        $input = $this->createMock(InputInterface::class);
        $input->method('getOption')->willReturnMap([['retry-dead', $retryDead]]);
        $output = new class () implements OutputInterface {
            public string $text = '';

            public function writeln($messages, int $options = 0)
            {
                $this->text .= $messages . "\n";
            }
        };
        return [$command->run($input, $output), $output->text];
    }

    public function testDrainsNowAndReportsTheOutbox(): void
    {
        $transport = new RecordingTransport([new Response(500, 'boom')]);
        $m = Module::configured($transport);
        $m->scopeConfig->defaults[Config::XML_MAX_ATTEMPTS] = '1';
        $m->productEvents->record('product.updated', [['id' => 1, 'sku' => 'A', 'updated_at' => null, 'scope_store_id' => 0, 'store_ids' => []]]);
        $m->productEvents->record('product.updated', [['id' => 2, 'sku' => 'B', 'updated_at' => null, 'scope_store_id' => 0, 'store_ids' => []]]);
        $command = new OutboxSend($m->drainer, $m->outbox);
        $this->assertSame('varai:outbox:send', $command->getName());
        $this->assertSame(['retry-dead'], $command->getOptionNames());

        [$code, $text] = $this->runCommand($command);
        $this->assertSame(2, $code, 'a dead event is a non-zero exit');
        $this->assertSame("Sent 1, retry later 0, dead 1. Outbox: 0 pending, 0 retry, 1 dead.\n", $text);

        [$code, $text] = $this->runCommand($command, true);
        $this->assertSame(0, $code);
        $this->assertSame("Requeued 1 dead event(s).\nSent 1, retry later 0, dead 0. Outbox: 0 pending, 0 retry, 0 dead.\n", $text);
    }

    public function testSaysSoWhenCronIsDrainingAlready(): void
    {
        $m = Module::configured(new RecordingTransport());
        $m->locks->lock(\Varai\TryOn\Model\Outbox\Drainer::LOCK);
        [$code, $text] = $this->runCommand(new OutboxSend($m->drainer, $m->outbox));
        $this->assertSame(1, $code);
        $this->assertStringContainsString('Another drain is running', $text);
    }
}
