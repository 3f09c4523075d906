module example.com/fixtures/timersdirective

go 1.23
