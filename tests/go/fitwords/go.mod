module example.com/fixtures/fitwords

go 1.21
