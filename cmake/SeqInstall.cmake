# `cmake --install <build> --prefix <dir>` installs seq for C++ hosts outside
# the source tree:
#
#   <dir>/bin/seq-opt, seq-run
#   <dir>/include/seq/...          public headers, generated .h.inc, the ODS
#   <dir>/lib/libSeq*.a            the seq libraries (they link libMLIR.so and
#                                  libLLVM.so, never MLIR's static archives)
#   <dir>/lib/cmake/seq/           seqConfig.cmake: find_package(seq) gives
#                                  seq::Runtime, seq::Dialect, seq::Conversion,
#                                  seq::Transforms, seq::Target and
#                                  seq::RuntimeSupport
#
# Every library target defined under lib/ is exported as seq::<Name> (its
# target name without the Seq prefix), so a new library needs no change here.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

function(seq_collect_libraries dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  set(libraries)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(type MATCHES "^(STATIC|SHARED)_LIBRARY$")
      list(APPEND libraries ${target})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    seq_collect_libraries(${subdir} more)
    list(APPEND libraries ${more})
  endforeach()
  set(${out} ${libraries} PARENT_SCOPE)
endfunction()

seq_collect_libraries(${PROJECT_SOURCE_DIR}/lib SEQ_LIBRARIES)
set(SEQ_EXPORT_NAMES)
foreach(target IN LISTS SEQ_LIBRARIES)
  string(REGEX REPLACE "^Seq" "" name ${target})
  list(APPEND SEQ_EXPORT_NAMES ${name})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  target_include_directories(${target} INTERFACE
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${target} INTERFACE cxx_std_17)
  # Instrumented libraries need the sanitizer runtime in the application.
  if(SEQ_SANITIZE)
    target_link_options(${target} INTERFACE -fsanitize=${SEQ_SANITIZE})
  endif()
endforeach()

install(TARGETS ${SEQ_LIBRARIES} EXPORT seqTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT seq
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT seq)
install(TARGETS seq-opt seq-run
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT seq)

# Headers: the sources, what mlir-tblgen generated for them (the pass
# declarations next to their headers; the dialect's ops, attributes and enums,
# included as "seq/SeqOps.h.inc"), and the ODS for dialects built on seq's.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/seq/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/seq COMPONENT seq
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/seq/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/seq COMPONENT seq
  FILES_MATCHING PATTERN "*.h.inc"
  PATTERN "CMakeFiles" EXCLUDE)
install(DIRECTORY ${PROJECT_BINARY_DIR}/dialects/seq/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/seq COMPONENT seq
  FILES_MATCHING PATTERN "*.h.inc"
  PATTERN "CMakeFiles" EXCLUDE)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/dialects/seq/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/seq COMPONENT seq
  FILES_MATCHING PATTERN "*.td")

set(SEQ_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/seq)
install(EXPORT seqTargets NAMESPACE seq::
  DESTINATION ${SEQ_INSTALL_CMAKEDIR} COMPONENT seq)
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/seqConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/seqConfig.cmake
  INSTALL_DESTINATION ${SEQ_INSTALL_CMAKEDIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/seqConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/seqConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/seqConfigVersion.cmake
  DESTINATION ${SEQ_INSTALL_CMAKEDIR} COMPONENT seq)
