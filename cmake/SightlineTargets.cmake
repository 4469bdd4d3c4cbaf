# Helpers shared by every target of the project.

# Warnings for our own code only (third-party headers come in as SYSTEM).
function(sightline_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow)
    target_compile_definitions(${target} PRIVATE
        QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_URL_CAST_FROM_STRING
        QT_USE_QSTRINGBUILDER)
endfunction()

# sightline_add_library(stream SOURCES ... PUBLIC_LIBS ... PRIVATE_LIBS ...)
# Makes the static library sightline_<name> with the alias Sightline::<Name>.
# Includes read "<name>/header.h", so the include root is src/.
function(sightline_add_library name)
    cmake_parse_arguments(ARG "" "ALIAS" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
    qt_add_library(sightline_${name} STATIC ${ARG_SOURCES})
    add_library(Sightline::${ARG_ALIAS} ALIAS sightline_${name})
    target_include_directories(sightline_${name} PUBLIC "${PROJECT_SOURCE_DIR}/src")
    target_link_libraries(sightline_${name} PUBLIC ${ARG_PUBLIC_LIBS} PRIVATE ${ARG_PRIVATE_LIBS})
    sightline_set_warnings(sightline_${name})
endfunction()

# sightline_add_test(tst_name SOURCES ... LIBS ... [LABEL l] [TIMEOUT s])
# One Qt Test executable registered with CTest, run offscreen (the KDE
# add_unit_test pattern).
function(sightline_add_test name)
    cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;LIBS;ENVIRONMENT" ${ARGN})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    if(NOT ARG_LABEL)
        set(ARG_LABEL unit)
    endif()
    qt_add_executable(${name} ${ARG_SOURCES})
    set_target_properties(${name} PROPERTIES MACOSX_BUNDLE OFF WIN32_EXECUTABLE OFF)
    target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
    sightline_set_warnings(${name})
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES
        TIMEOUT ${ARG_TIMEOUT}
        LABELS "${ARG_LABEL}"
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;SIGHTLINE_BIN_DIR=${PROJECT_BINARY_DIR}/bin;${ARG_ENVIRONMENT}")
endfunction()
