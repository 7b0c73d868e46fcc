# proto.schema_rejects: dw-protogen refuses a broken schema with file:line:
# reason, a non-zero exit and no output file, and accepts the good one.
#   cmake -DPROTOGEN=… -DSCHEMAS=… -DWORK_DIR=… -P schema_rejects.cmake
cmake_minimum_required(VERSION 3.18)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

execute_process(COMMAND ${PROTOGEN} ${SCHEMAS}/good.yaml ${WORK_DIR}/good.c RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT EXISTS ${WORK_DIR}/good.c)
  message(FATAL_ERROR "dw-protogen refused good.yaml (exit ${rc}):\n${err}")
endif()

# file | line | what the message must say (lines counted by hand in the fixtures)
set(cases
  "bad_unknown_key.yaml|27|unknown key \"patern\""
  "bad_missing_test.yaml|30|missing test value"
  "bad_type.yaml|31|unknown type \"money\""
  "bad_test_range.yaml|35|outside range"
  "bad_yaml.yaml|20|yaml: ")
set(failed 0)
foreach(c IN LISTS cases)
  string(REPLACE "|" ";" parts "${c}")
  list(GET parts 0 file)
  list(GET parts 1 line)
  list(GET parts 2 reason)
  set(out ${WORK_DIR}/${file}.c)
  execute_process(COMMAND ${PROTOGEN} ${SCHEMAS}/${file} ${out} RESULT_VARIABLE rc ERROR_VARIABLE err)
  string(FIND "${err}" "${SCHEMAS}/${file}:${line}: " at_line)
  string(FIND "${err}" "${reason}" at_reason)
  if(rc EQUAL 0 OR at_line EQUAL -1 OR at_reason EQUAL -1 OR EXISTS ${out} OR EXISTS ${out}.tmp)
    message("FAIL ${file}: want exit != 0, \"${file}:${line}: …${reason}…\" and no output; got exit ${rc}:\n${err}")
    math(EXPR failed "${failed} + 1")
  else()
    message("ok   ${file}: ${err}")
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "${failed} broken schema(s) not refused as they should be")
endif()
