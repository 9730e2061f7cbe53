#include <msgtypes.h>
#include <proto/supervisor.h>
#include <resea/startup.h>
#include <resea/supervisor.h>
#include <resea/syscall.h>

error_t machine_exit(uint32_t code) {
    handle_t init = startup_handle(TAG_SUPERVISOR);
    if (init < 0)
        return ERR_NOT_PERMITTED;
    struct message m = {.type = SUPERVISOR_EXIT_MSG};
    m.supervisor_exit.code = code;
    error_t err = ipc_call(init, &m);
    return err ? err : m.supervisor_exit_reply.result;
}

error_t supervisor_kill(task_t id) {
    handle_t init = startup_handle(TAG_SUPERVISOR);
    if (init < 0)
        return ERR_NOT_PERMITTED;
    struct message m = {.type = SUPERVISOR_KILL_MSG};
    m.words[0] = id;
    error_t err = ipc_call(init, &m);
    return err ? err : (error_t) m.words[0];
}
