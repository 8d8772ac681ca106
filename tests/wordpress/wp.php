<?php
// Run one step on the tests' WordPress from the command line: `php wp.php ACTION < args.json`,
// printing a JSON answer. The environment names the site as the router does.
$_SERVER['WORDPRESS_CONFIG'] = getenv('PW_WORDPRESS_CONFIG');
$_SERVER['HTTP_HOST'] = getenv('PW_WP_HOST');
$_SERVER['REQUEST_URI'] = '/';
$pw_action = $argv[1];
$pw_args = json_decode(stream_get_contents(STDIN), true) ?: [];
if ($pw_action === 'install') {
    define('WP_INSTALLING', true);
}
require '/usr/share/wordpress/wp-load.php';

if ($pw_action === 'install') {
    require_once ABSPATH . 'wp-admin/includes/upgrade.php';
    require_once ABSPATH . 'wp-admin/includes/plugin.php';
    $admin_password = wp_generate_password(24);
    wp_install('Partner blog', 'admin', 'admin@example.org', true, '', $admin_password);
    switch_theme('twentytwentythree');
    $result = activate_plugin('petition-widget/petition-widget.php');
    if (is_wp_error($result)) {
        fwrite(STDERR, $result->get_error_message());
        exit(1);
    }
    $author = wp_insert_user([
        'user_login' => 'author',
        'user_pass' => wp_generate_password(24),
        'user_email' => 'author@example.org',
        'role' => 'author',
    ]);
    [$password] = WP_Application_Passwords::create_new_application_password(
        $author, ['name' => 'tests']
    );
    echo json_encode([
        'admin_password' => $admin_password,
        'author' => 'author',
        'application_password' => $password,
        'theme' => get_stylesheet(),
        'author_can_unfiltered_html' => user_can($author, 'unfiltered_html'),
    ]);
} elseif ($pw_action === 'pattern') {
    // A synced pattern ("reusable block" in 6.1) made by an administrator, who may post
    // unfiltered HTML: Authors insert it, and cannot change it.
    wp_set_current_user(get_user_by('login', 'admin')->ID);
    kses_remove_filters(); // kses_init ran at init, before there was a user
    $id = wp_insert_post([
        'post_type' => 'wp_block',
        'post_status' => 'publish',
        'post_title' => 'Petition widget',
        'post_content' => $pw_args['content'],
    ], true);
    echo json_encode(['id' => $id, 'content' => get_post($id)->post_content]);
} elseif ($pw_action === 'render') {
    // As a visitor (no user): what a post's content shows.
    echo json_encode(['html' => apply_filters('the_content', $pw_args['content'])]);
} elseif ($pw_action === 'settings') {
    if ($pw_args) {
        update_option('petition_widget_settings', $pw_args);
    }
    echo json_encode(get_option('petition_widget_settings'));
}
