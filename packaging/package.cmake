# What `cmake --install` puts where, and the Debian package `cpack -G DEB`
# makes of it (in the build tree):
#   /usr/bin/defender-scan, its man page, the README and the samples under
#   /usr/share/doc/defender-scan/examples, a hardened systemd unit,
#   /etc/defender-scan/config.yaml and the firewall actions (conffiles) and
#   the logrotate file for the decisions log.
# Paths under /etc are absolute whatever the prefix: it is a system service.
# tests/e2e/package.sh builds the package, checks its contents and runs what
# the unit starts.

install(TARGETS defender-scan RUNTIME DESTINATION bin)
install(FILES ${PROJECT_SOURCE_DIR}/man/defender-scan.1 DESTINATION share/man/man1)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/defender-scan)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/samples/nginx ${PROJECT_SOURCE_DIR}/samples/lua
                  ${PROJECT_SOURCE_DIR}/samples/apps ${PROJECT_SOURCE_DIR}/samples/crawlers
                  ${PROJECT_SOURCE_DIR}/samples/cron ${PROJECT_SOURCE_DIR}/samples/systemd
        DESTINATION share/doc/defender-scan/examples PATTERN .gitignore EXCLUDE PATTERN node_modules EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/samples/config.yaml ${PROJECT_SOURCE_DIR}/samples/access.log
        DESTINATION share/doc/defender-scan/examples)

install(FILES ${PROJECT_SOURCE_DIR}/packaging/config.yaml DESTINATION /etc/defender-scan)
file(GLOB action_scripts ${PROJECT_SOURCE_DIR}/samples/actions/*.sh)
install(PROGRAMS ${action_scripts} DESTINATION /etc/defender-scan/actions)
install(FILES ${PROJECT_SOURCE_DIR}/samples/logrotate/defender-scan DESTINATION /etc/logrotate.d)

# The unit names the binary where this install puts it.
install(CODE "
  file(READ \"${PROJECT_SOURCE_DIR}/samples/systemd/defender-scan.service\" unit)
  string(REPLACE \"/usr/bin/defender-scan\" \"\${CMAKE_INSTALL_PREFIX}/bin/defender-scan\" unit \"\${unit}\")
  file(WRITE \"${PROJECT_BINARY_DIR}/packaging/defender-scan.service\" \"\${unit}\")
  file(INSTALL \"${PROJECT_BINARY_DIR}/packaging/defender-scan.service\"
       DESTINATION \"\${CMAKE_INSTALL_PREFIX}/lib/systemd/system\")
")

# Every file under /etc is a conffile: an upgrade keeps the admin's edits.
set(conffiles "/etc/defender-scan/config.yaml\n/etc/logrotate.d/defender-scan\n")
foreach(script ${action_scripts})
  get_filename_component(name ${script} NAME)
  string(APPEND conffiles "/etc/defender-scan/actions/${name}\n")
endforeach()
file(WRITE ${PROJECT_BINARY_DIR}/packaging/conffiles "${conffiles}")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME defender-scan)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "defender-scan developers <defender-scan@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "ban abusive clients from nginx's access and error logs")
set(CPACK_PACKAGE_DESCRIPTION "Reads nginx access and error logs, matches requests against signature
rules (Hyperscan), counts each client's events in leaky-bucket scenarios
(CrowdSec's names) and bans through an nginx include, firewall actions, JSON
lines and an HTTP API for auth_request.")
set(CPACK_SET_DESTDIR ON)  # the unit and /etc paths are written as installed
set(CPACK_INSTALL_PREFIX /usr)  # with CPACK_SET_DESTDIR, the prefix the package installs to
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends: from the libraries actually linked
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nginx | nginx-light | nginx-full | nginx-extras, logrotate")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "iptables, nftables, ipset")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/postinst ${PROJECT_SOURCE_DIR}/packaging/prerm
    ${PROJECT_SOURCE_DIR}/packaging/postrm ${PROJECT_BINARY_DIR}/packaging/conffiles)
include(CPack)
