<?php

declare(strict_types=1);

namespace Varai\TryOn\Console\Command;

use Symfony\Component\Console\Command\Command;
use Symfony\Component\Console\Input\InputInterface;
use Symfony\Component\Console\Input\InputOption;
use Symfony\Component\Console\Output\OutputInterface;
use Varai\TryOn\Model\Outbox\Drainer;
use Varai\TryOn\Model\Outbox\OutboxRepository;

/** `bin/magento varai:outbox:send [--retry-dead]`: drains the outbox now, as the cron job does. */
class OutboxSend extends Command
{
    public function __construct(
        private readonly Drainer $drainer,
        private readonly OutboxRepository $outbox
    ) {
        parent::__construct();
    }

    protected function configure(): void
    {
        $this->setName('varai:outbox:send');
        $this->setDescription('Sends the VARAi events waiting in the outbox now');
        $this->addOption('retry-dead', null, InputOption::VALUE_NONE, 'Give dead events a new set of attempts first');
        parent::configure();
    }

    protected function execute(InputInterface $input, OutputInterface $output): int
    {
        if ($input->getOption('retry-dead')) {
            $output->writeln(sprintf('Requeued %d dead event(s).', $this->drainer->requeueDead()));
        }
        $summary = $this->drainer->drain();
        if ($summary['locked']) {
            $output->writeln('<error>Another drain is running (cron?); try again in a minute.</error>');
            return 1;
        }
        $counts = $this->outbox->countsByStatus();
        $output->writeln(sprintf(
            'Sent %d, retry later %d, dead %d. Outbox: %d pending, %d retry, %d dead.',
            $summary['sent'],
            $summary['retried'],
            $summary['dead'],
            $counts[OutboxRepository::PENDING],
            $counts[OutboxRepository::RETRY],
            $counts[OutboxRepository::DEAD]
        ));
        return $summary['dead'] > 0 ? 2 : 0;
    }
}
