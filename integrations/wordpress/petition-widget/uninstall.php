<?php
/**
 * Remove the plugin's settings when it is deleted.
 *
 * @package PetitionWidget
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}
delete_option( 'petition_widget_settings' );
