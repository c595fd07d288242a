<?php

define('ABSPATH', '/tmp/wordpress/');

require __DIR__ . '/stubs/wordpress.php';
require __DIR__ . '/stubs/woocommerce.php';
require __DIR__ . '/TestCase.php';

WpStub::reset();
require dirname(__DIR__, 2) . '/varai-try-on/varai-try-on.php';
