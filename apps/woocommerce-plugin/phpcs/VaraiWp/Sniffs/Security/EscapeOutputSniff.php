<?php

namespace VaraiWp\Sniffs\Security;

use PHP_CodeSniffer\Files\File;
use PHP_CodeSniffer\Sniffs\Sniff;

/**
 * A small stand-in for WordPress.Security.EscapeOutput (WPCS is Packagist-only): everything an
 * `echo`, `print` or `printf` outputs must be a literal or pass through an escaping function.
 * A call to an escaping function is skipped whole; any other variable or function call found in
 * the output is an error. printf's format string (its first argument) may be a literal only.
 */
final class EscapeOutputSniff implements Sniff
{
    private const ESCAPERS = [
        'esc_html', 'esc_attr', 'esc_url', 'esc_html__', 'esc_attr__', 'esc_textarea', 'esc_js',
        'wp_kses', 'wp_kses_post', 'absint', 'intval', 'count', 'checked', 'selected',
        'get_block_wrapper_attributes', 'wp_json_encode',
    ];
    /** Calls whose arguments are output as they are: scanned inside. */
    private const PASS_THROUGH = ['sprintf', 'implode'];

    public function register(): array
    {
        return [T_ECHO, T_PRINT, T_STRING];
    }

    public function process(File $file, $ptr): void
    {
        $tokens = $file->getTokens();
        if ($tokens[$ptr]['code'] === T_STRING) {
            if (strtolower($tokens[$ptr]['content']) !== 'printf' || !$this->isFunctionCall($file, $ptr)) {
                return;
            }
            $open = $file->findNext(T_WHITESPACE, $ptr + 1, null, true);
            $this->checkRange($file, $open + 1, $tokens[$open]['parenthesis_closer']);
            return;
        }
        $end = $file->findNext([T_SEMICOLON, T_CLOSE_TAG], $ptr + 1);
        $this->checkRange($file, $ptr + 1, $end);
    }

    private function checkRange(File $file, int $from, int $to): void
    {
        $tokens = $file->getTokens();
        for ($i = $from; $i < $to; $i++) {
            $code = $tokens[$i]['code'];
            if (in_array($code, [T_INT_CAST, T_BOOL_CAST], true)) {
                $i = $file->findNext(T_WHITESPACE, $i + 1, null, true);
                continue;
            }
            if ($code === T_STRING && $this->isFunctionCall($file, $i)) {
                $name = strtolower($tokens[$i]['content']);
                $open = $file->findNext(T_WHITESPACE, $i + 1, null, true);
                if (in_array($name, self::ESCAPERS, true)) {
                    $i = $tokens[$open]['parenthesis_closer'];
                    continue;
                }
                if (in_array($name, self::PASS_THROUGH, true)) {
                    $i = $open;
                    continue;
                }
                $file->addError('Output of %s() is not escaped', $i, 'UnescapedCall', [$tokens[$i]['content']]);
                $i = $tokens[$open]['parenthesis_closer'];
                continue;
            }
            if ($code === T_VARIABLE) {
                $file->addError('Output of %s is not escaped', $i, 'UnescapedVariable', [$tokens[$i]['content']]);
            }
        }
    }

    private function isFunctionCall(File $file, int $ptr): bool
    {
        $tokens = $file->getTokens();
        $next = $file->findNext(T_WHITESPACE, $ptr + 1, null, true);
        $prev = $file->findPrevious(T_WHITESPACE, $ptr - 1, null, true);
        return $next !== false && $tokens[$next]['code'] === T_OPEN_PARENTHESIS
            && !in_array($tokens[$prev]['code'], [T_FUNCTION, T_OBJECT_OPERATOR, T_DOUBLE_COLON, T_NEW], true);
    }
}
