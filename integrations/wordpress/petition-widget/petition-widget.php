<?php
/**
 * Plugin Name:       Petition Widget
 * Plugin URI:        https://github.com/petition-widget/petition-widget
 * Description:       Embed petitions from a Petition Widget service with a shortcode or a pasted link, credited to your organization, whatever your role.
 * Version:           0.1.0
 * Requires at least: 6.0
 * Requires PHP:      7.4
 * Author:            Petition Widget
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       petition-widget
 *
 * @package PetitionWidget
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

const PETITION_WIDGET_OPTION = 'petition_widget_settings';

require_once __DIR__ . '/includes/settings.php';

/**
 * Return the plugin's settings: the service's base URL (no trailing slash) and the partner key.
 *
 * @return array{service_url: string, partner_key: string}
 */
function petition_widget_settings() {
	$settings = get_option( PETITION_WIDGET_OPTION, array() );
	return array(
		'service_url' => untrailingslashit( (string) ( $settings['service_url'] ?? '' ) ),
		'partner_key' => (string) ( $settings['partner_key'] ?? '' ),
	);
}

/**
 * Keep only the characters a petition slug, campaign code or language tag may have.
 *
 * @param string $value   What a post or a URL gave.
 * @param string $pattern The characters to drop (a regex character class).
 * @return string
 */
function petition_widget_clean( $value, $pattern ) {
	return substr( (string) preg_replace( $pattern, '', (string) $value ), 0, 64 );
}

/**
 * Return the widget's markup: the link to the petition, which embed.js turns into the widget.
 *
 * The link itself carries the partner key and campaign code, so a visitor without JavaScript
 * still signs for the partner on the full petition page.
 *
 * @param string $slug   The petition's slug.
 * @param array  $params Optional 'partner', 'source', 'lang'.
 * @return string HTML, escaped.
 */
function petition_widget_markup( $slug, $params = array() ) {
	$settings = petition_widget_settings();
	$slug     = petition_widget_clean( $slug, '/[^a-z0-9-]/' );
	if ( '' === $settings['service_url'] || '' === $slug ) {
		return current_user_can( 'edit_posts' )
			? '<p class="petition-widget-problem">' . esc_html__( 'Petition Widget: set the service URL under Settings, and give the petition\'s slug.', 'petition-widget' ) . '</p>'
			: '';
	}
	$query = array_filter(
		array(
			'partner' => petition_widget_clean( $params['partner'] ?? $settings['partner_key'], '/[^A-Za-z0-9_.-]/' ),
			'source'  => petition_widget_clean( $params['source'] ?? '', '/[^A-Za-z0-9_.:-]/' ),
			'lang'    => petition_widget_clean( $params['lang'] ?? '', '/[^A-Za-z-]/' ),
		),
		'strlen'
	);
	$url = $settings['service_url'] . '/p/' . $slug . ( $query ? '?' . http_build_query( $query, '', '&' ) : '' );
	petition_widget_enqueue();
	return sprintf(
		'<a class="petition-widget" href="%s">%s</a>',
		esc_url( $url ),
		esc_html__( 'Sign the petition', 'petition-widget' )
	);
}

/**
 * Load embed.js on this page: called only where a widget is shown.
 */
function petition_widget_enqueue() {
	$settings = petition_widget_settings();
	// No version argument: the service decides how long embed.js is cached.
	wp_enqueue_script( 'petition-widget', $settings['service_url'] . '/static/embed.js', array(), null, true ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion
}

/**
 * Load embed.js asynchronously, as the snippet does.
 *
 * @param string $tag    The script tag.
 * @param string $handle The script's handle.
 * @return string
 */
function petition_widget_async( $tag, $handle ) {
	return 'petition-widget' === $handle ? str_replace( ' src=', ' async src=', $tag ) : $tag;
}
add_filter( 'script_loader_tag', 'petition_widget_async', 10, 2 );

/**
 * The [petition_widget slug="…" source="…" lang="…"] shortcode.
 *
 * @param array|string $atts The shortcode's attributes.
 * @return string
 */
function petition_widget_shortcode( $atts ) {
	$atts = shortcode_atts(
		array(
			'slug'   => '',
			'source' => '',
			'lang'   => '',
		),
		$atts,
		'petition_widget'
	);
	return petition_widget_markup( $atts['slug'], $atts );
}

/**
 * Return the regex of the service's petition URLs, or '' when no service URL is set.
 *
 * @return string
 */
function petition_widget_url_regex() {
	$service = petition_widget_settings()['service_url'];
	return '' === $service ? '' : '#^' . preg_quote( $service, '#' ) . '/p/([a-z0-9-]+)/?(?:\?(\S*))?$#i';
}

/**
 * Turn a petition URL pasted on its own line, or in an Embed block, into the widget.
 *
 * @param array $matches The regex's matches: the slug, then the query string.
 * @return string
 */
function petition_widget_embed_handler( $matches ) {
	parse_str( str_replace( '&amp;', '&', $matches[2] ?? '' ), $query );
	$params = array_intersect_key( array_map( 'strval', array_filter( $query, 'is_string' ) ), array_flip( array( 'partner', 'source', 'lang' ) ) );
	return petition_widget_markup( strtolower( $matches[1] ), $params );
}

/**
 * Register the shortcode, the embed handler and our oEmbed provider.
 */
function petition_widget_init() {
	add_shortcode( 'petition_widget', 'petition_widget_shortcode' );
	$regex = petition_widget_url_regex();
	if ( '' === $regex ) {
		return;
	}
	wp_embed_register_handler( 'petition_widget', $regex, 'petition_widget_embed_handler' );
	// A registered provider is trusted: WordPress keeps its iframe as is, without the
	// allow-scripts-only sandbox it puts around discovered ones (where the form cannot submit).
	$service = petition_widget_settings()['service_url'];
	wp_oembed_add_provider( $regex, $service . '/oembed', true );
}
add_action( 'init', 'petition_widget_init' );

/**
 * Load embed.js where a post holds the snippet's link but not its script.
 *
 * WordPress removes <script> from what an Author or Contributor pastes; the link stays, and
 * this finishes the job. Runs before the content is shown, so only pages with a widget load it.
 * Runs after blocks are rendered (priority 9), so it sees synced patterns' content too.
 *
 * @param string $content The post's content.
 * @return string The content, unchanged.
 */
function petition_widget_find_links( $content ) {
	$service = petition_widget_settings()['service_url'];
	if ( '' === $service || false === strpos( $content, 'petition-widget' ) || false === strpos( $content, $service . '/p/' ) ) {
		return $content;
	}
	// A snippet pasted whole (by an Administrator or Editor, or in a synced pattern) loads it.
	if ( false === strpos( $content, $service . '/static/embed.js' ) ) {
		petition_widget_enqueue();
	}
	return $content;
}
add_filter( 'the_content', 'petition_widget_find_links', 20 );
