import express from 'express';
import { describeMountedRouter } from './helpers/mounted-router-suite';

describeMountedRouter('5', express);
