"""The shared follow step of the batch-job commands (generate_copy, translate_products)."""

from common import jobs
from common.jobs import JobStatus, follow_batch_job


class ScriptedJob:
    """A job whose every refresh reads the next (status, cursor) of a script, as a worker
    moves it on between two reads."""

    def __init__(self, states):
        self.states = iter(states)
        self.status, self.cursor = JobStatus.QUEUED, 0

    def refresh_from_db(self):
        self.status, self.cursor = next(self.states)


def test_follows_until_done_reporting_each_read(monkeypatch):
    slept = []
    monkeypatch.setattr(jobs.time, "sleep", slept.append)
    job = ScriptedJob([(JobStatus.QUEUED, 0), (JobStatus.RUNNING, 4), (JobStatus.DONE, 9)])
    seen = []

    followed = follow_batch_job(job, lambda current: seen.append(current.cursor), interval=0.5)

    assert followed is job
    assert seen == [0, 4, 9]
    assert slept == [0.5, 0.5]


def test_a_failed_job_ends_the_wait(monkeypatch):
    monkeypatch.setattr(jobs.time, "sleep", lambda seconds: None)
    job = ScriptedJob([(JobStatus.RUNNING, 2), (JobStatus.FAILED, 2)])

    assert follow_batch_job(job, lambda current: None).status == JobStatus.FAILED
