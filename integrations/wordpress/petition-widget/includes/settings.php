<?php
/**
 * The settings page: the service's URL and the partner key.
 *
 * @package PetitionWidget
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Check and clean the settings before they are saved.
 *
 * @param mixed $input What the settings form sent.
 * @return array
 */
function petition_widget_sanitize( $input ) {
	$input = is_array( $input ) ? $input : array();
	$url   = esc_url_raw( trim( (string) ( $input['service_url'] ?? '' ) ), array( 'http', 'https' ) );
	if ( '' !== trim( (string) ( $input['service_url'] ?? '' ) ) && '' === $url ) {
		add_settings_error( PETITION_WIDGET_OPTION, 'service_url', __( 'The service URL must start with https:// (or http://).', 'petition-widget' ) );
	}
	$key = trim( sanitize_text_field( (string) ( $input['partner_key'] ?? '' ) ) );
	if ( preg_match( '/[^A-Za-z0-9_.-]/', $key ) ) {
		add_settings_error( PETITION_WIDGET_OPTION, 'partner_key', __( 'A partner key has only letters, digits, dots, dashes and underscores.', 'petition-widget' ) );
		$key = '';
	}
	return array(
		'service_url' => untrailingslashit( $url ),
		'partner_key' => $key,
	);
}

/**
 * Register the setting, its section and its fields.
 */
function petition_widget_register_settings() {
	register_setting(
		'petition_widget',
		PETITION_WIDGET_OPTION,
		array(
			'type'              => 'array',
			'sanitize_callback' => 'petition_widget_sanitize',
			'default'           => array(
				'service_url' => '',
				'partner_key' => '',
			),
		)
	);
	add_settings_section( 'petition_widget_main', '', '__return_false', 'petition-widget' );
	$fields = array(
		'service_url' => array( __( 'Service URL', 'petition-widget' ), 'url', __( 'The address of the petition service, e.g. https://petitions.example.org', 'petition-widget' ) ),
		'partner_key' => array( __( 'Partner key', 'petition-widget' ), 'text', __( 'Your organization\'s key, from the service (the partner= part of your snippet\'s link). Every signature through this site is credited to you.', 'petition-widget' ) ),
	);
	foreach ( $fields as $name => $field ) {
		add_settings_field(
			$name,
			$field[0],
			'petition_widget_field',
			'petition-widget',
			'petition_widget_main',
			array(
				'label_for'   => 'petition-widget-' . $name,
				'name'        => $name,
				'type'        => $field[1],
				'description' => $field[2],
			)
		);
	}
}
add_action( 'admin_init', 'petition_widget_register_settings' );

/**
 * Print one settings field.
 *
 * @param array $args The field's id, name, type and description.
 */
function petition_widget_field( $args ) {
	$settings = petition_widget_settings();
	printf(
		'<input class="regular-text" type="%1$s" id="%2$s" name="%3$s[%4$s]" value="%5$s" aria-describedby="%2$s-help"><p class="description" id="%2$s-help">%6$s</p>',
		esc_attr( $args['type'] ),
		esc_attr( $args['label_for'] ),
		esc_attr( PETITION_WIDGET_OPTION ),
		esc_attr( $args['name'] ),
		esc_attr( $settings[ $args['name'] ] ),
		esc_html( $args['description'] )
	);
}

/**
 * Add Settings → Petition Widget, for administrators.
 */
function petition_widget_menu() {
	add_options_page( __( 'Petition Widget', 'petition-widget' ), __( 'Petition Widget', 'petition-widget' ), 'manage_options', 'petition-widget', 'petition_widget_page' );
}
add_action( 'admin_menu', 'petition_widget_menu' );

/**
 * Print the settings page.
 */
function petition_widget_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	echo '<div class="wrap"><h1>' . esc_html( get_admin_page_title() ) . '</h1>';
	echo '<form action="' . esc_url( admin_url( 'options.php' ) ) . '" method="post">';
	settings_fields( 'petition_widget' );
	do_settings_sections( 'petition-widget' );
	submit_button();
	echo '</form>';
	echo '<h2>' . esc_html__( 'Putting a petition in a post', 'petition-widget' ) . '</h2><ul>';
	echo '<li>' . esc_html__( 'Paste the petition\'s link on a line of its own, or into an Embed block.', 'petition-widget' ) . '</li>';
	echo '<li>' . esc_html__( 'Or use the shortcode:', 'petition-widget' ) . ' <code>[petition_widget slug="chicago-welcoming-city" source="newsletter"]</code></li>';
	echo '</ul><p>' . esc_html__( 'Both work for every role that writes posts, Contributors and Authors included.', 'petition-widget' ) . '</p></div>';
}
