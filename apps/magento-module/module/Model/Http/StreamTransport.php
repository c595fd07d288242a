<?php

declare(strict_types=1);

namespace Varai\TryOn\Model\Http;

/**
 * POST over PHP's own http stream wrapper: no curl extension needed, and the same code runs in
 * Magento and under php-cli in the module's tests. Redirects are not followed (a POST would
 * turn into a GET); TLS peers are verified.
 */
class StreamTransport implements TransportInterface
{
    public function post(string $url, array $headers, string $body, int $timeoutSeconds): Response
    {
        $lines = [];
        foreach ($headers as $name => $value) {
            $lines[] = $name . ': ' . $value;
        }
        $lines[] = 'Content-Length: ' . strlen($body);
        // PHP's wrapper reads until the peer closes: without this an HTTP/1.1 keep-alive waits out the timeout.
        $lines[] = 'Connection: close';
        $context = stream_context_create([
            'http' => [
                'method' => 'POST',
                'header' => implode("\r\n", $lines),
                'content' => $body,
                'timeout' => $timeoutSeconds,
                'ignore_errors' => true,
                'follow_location' => 0,
                'protocol_version' => 1.1,
            ],
            'ssl' => ['verify_peer' => true, 'verify_peer_name' => true],
        ]);
        $error = '';
        set_error_handler(static function (int $no, string $message) use (&$error): bool {
            $error = $message;
            return true;
        });
        try {
            $stream = fopen($url, 'rb', false, $context);
            if ($stream === false) {
                return new Response(0, '', $error !== '' ? $error : 'connection failed');
            }
            $answer = (string) stream_get_contents($stream);
            $meta = stream_get_meta_data($stream);
            fclose($stream);
        } finally {
            restore_error_handler();
        }
        return new Response($this->status($meta['wrapper_data'] ?? []), $answer);
    }

    /** @param mixed $headers the wrapper's response header lines; the last status line wins */
    private function status($headers): int
    {
        $status = 0;
        foreach (is_array($headers) ? $headers : [] as $line) {
            if (preg_match('#^HTTP/\S+\s+(\d{3})#', (string) $line, $m) === 1) {
                $status = (int) $m[1];
            }
        }
        return $status;
    }
}
