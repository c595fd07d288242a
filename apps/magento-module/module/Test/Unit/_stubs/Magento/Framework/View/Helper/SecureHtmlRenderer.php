<?php

// Test stub of Magento\Framework\View\Helper\SecureHtmlRenderer (no Magento code is available here); see Test/Unit/_bootstrap.php.

declare(strict_types=1);

namespace Magento\Framework\View\Helper;

/** Stub of the 2.4 renderer: attributes escaped; a nonce added to inline scripts only, as CSP needs. */
class SecureHtmlRenderer
{
    public function renderTag(string $tagName, array $attributes, ?string $content = null, bool $textContent = true): string
    {
        $html = '<' . $tagName;
        foreach ($attributes as $name => $value) {
            $html .= ' ' . $name . '="' . htmlspecialchars((string) $value, ENT_QUOTES, 'UTF-8') . '"';
        }
        if ($tagName === 'script' && $content !== null && $content !== '') {
            $html .= ' nonce="stub-nonce"';
        }
        $body = $content === null ? '' : ($textContent ? htmlspecialchars($content, ENT_QUOTES, 'UTF-8') : $content);
        return $html . '>' . $body . '</' . $tagName . '>';
    }
}
