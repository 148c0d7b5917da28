module scopebench

go 1.19
