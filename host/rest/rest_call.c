/*
 * rest_call(): a request from a worker thread. The job is queued under a mutex,
 * the loop is woken with uv_async_send, and the worker waits on its own
 * condition variable; only that worker blocks. The loop thread turns each job
 * into rest_request() and signals the worker from the request's callback.
 */
#include "rest/rest_internal.h"

#include <stdlib.h>
#include <string.h>

#include <bothost/abi.h>

struct rest_call_job {
    STAILQ_ENTRY(rest_call_job) next;
    const rest_req *req;        /* the caller's: it waits, so it outlives the job */
    uv_mutex_t mu;
    uv_cond_t cond;
    int done;
    int result;
    rest_response *res;
};

static void job_complete(rest_call_job *job, int result, rest_response *res)
{
    uv_mutex_lock(&job->mu);
    job->result = result;
    job->res = res;
    job->done = 1;
    uv_cond_signal(&job->cond);
    uv_mutex_unlock(&job->mu);
}

static void on_answer(rest_response *res, void *arg)
{
    job_complete(arg, res->result, res);
}

void rest_call_drain(uv_async_t *a)
{
    rest *r = a->data;
    STAILQ_HEAD(, rest_call_job) jobs = STAILQ_HEAD_INITIALIZER(jobs);
    uv_mutex_lock(&r->call_mu);
    STAILQ_CONCAT(&jobs, &r->calls);
    uv_mutex_unlock(&r->call_mu);
    rest_call_job *job;
    while ((job = STAILQ_FIRST(&jobs))) {
        STAILQ_REMOVE_HEAD(&jobs, next);
        int rc = rest_request(r, job->req, on_answer, job);
        if (rc < 0)
            job_complete(job, rc, NULL);
    }
}

void rest_call_close(rest *r)
{
    STAILQ_HEAD(, rest_call_job) jobs = STAILQ_HEAD_INITIALIZER(jobs);
    uv_mutex_lock(&r->call_mu);
    STAILQ_CONCAT(&jobs, &r->calls);
    r->calls_closed = 1;
    uv_mutex_unlock(&r->call_mu);
    rest_call_job *job;
    while ((job = STAILQ_FIRST(&jobs))) {
        STAILQ_REMOVE_HEAD(&jobs, next);
        job_complete(job, BH_ESTATE, NULL);
    }
}

int rest_call(rest *r, const rest_req *req, rest_response **out)
{
    if (out)
        *out = NULL;
    uv_thread_t self = uv_thread_self();
    if (uv_thread_equal(&self, &r->loop_thread))
        return BH_ESTATE;
    rest_call_job job;
    memset(&job, 0, sizeof job);
    job.req = req;
    if (uv_mutex_init(&job.mu) != 0)
        return BH_ENOMEM;
    if (uv_cond_init(&job.cond) != 0) {
        uv_mutex_destroy(&job.mu);
        return BH_ENOMEM;
    }
    uv_mutex_lock(&r->call_mu);
    if (r->calls_closed) {
        uv_mutex_unlock(&r->call_mu);
        uv_cond_destroy(&job.cond);
        uv_mutex_destroy(&job.mu);
        return BH_ESTATE;
    }
    STAILQ_INSERT_TAIL(&r->calls, &job, next);
    /* Under the lock, so rest_destroy() cannot free the handle in between. */
    uv_async_send(&r->async);
    uv_mutex_unlock(&r->call_mu);

    uv_mutex_lock(&job.mu);
    while (!job.done)
        uv_cond_wait(&job.cond, &job.mu);
    uv_mutex_unlock(&job.mu);
    uv_cond_destroy(&job.cond);
    uv_mutex_destroy(&job.mu);
    if (out)
        *out = job.res;
    else
        rest_response_free(job.res);
    return job.result;
}
