<?php

// Test stub of Symfony\Component\Console\Command\Command (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Symfony\Component\Console\Command;

use Symfony\Component\Console\Input\InputInterface;
use Symfony\Component\Console\Output\OutputInterface;

/** Stub of the parts the module uses; run() calls execute() like Symfony's. */
class Command
{
    private string $name = '';
    private array $options = [];

    public function __construct(?string $name = null)
    {
        $this->configure();
    }

    protected function configure()
    {
    }

    public function setName(string $name): static
    {
        $this->name = $name;
        return $this;
    }

    public function getName(): string
    {
        return $this->name;
    }

    public function setDescription(string $description): static
    {
        return $this;
    }

    public function addOption(string $name, $shortcut = null, ?int $mode = null, string $description = ''): static
    {
        $this->options[] = $name;
        return $this;
    }

    public function getOptionNames(): array
    {
        return $this->options;
    }

    public function run(InputInterface $input, OutputInterface $output): int
    {
        return $this->execute($input, $output);
    }

    protected function execute(InputInterface $input, OutputInterface $output)
    {
        return 0;
    }
}
