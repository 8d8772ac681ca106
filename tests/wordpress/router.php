<?php
// The router of `php -S` for the tests' WordPress: Debian's wp-config.php picks the config
// file /etc/wordpress/config-NAME.php by $_SERVER['WORDPRESS_CONFIG'] (what Apache's SetEnv
// gives it), and wp-content lives in the test's own folder, outside the document root.
$_SERVER['WORDPRESS_CONFIG'] = getenv('PW_WORDPRESS_CONFIG');
$path = (string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if (strpos($path, '/wp-content/') !== 0) {
    return false; // WordPress's own files, from /usr/share/wordpress
}
$file = realpath(getenv('PW_WP_CONTENT') . substr($path, strlen('/wp-content')));
$types = ['css' => 'text/css', 'js' => 'text/javascript', 'woff2' => 'font/woff2',
    'svg' => 'image/svg+xml', 'png' => 'image/png', 'json' => 'application/json'];
$type = $file ? ($types[pathinfo($file, PATHINFO_EXTENSION)] ?? null) : null;
if (!$type || !is_file($file)) {
    http_response_code(404);
    return true;
}
header("Content-Type: $type");
readfile($file);
return true;
